using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Bybit;

/// <summary>
/// Signed Bybit V5 REST calls. Signs exactly the query string or body bytes sent; keeps server time in sync and
/// retries once after 10002; waits out rate limits (10006, HTTP 429) until <c>X-Bapi-Limit-Reset-Timestamp</c>;
/// turns key, signature and permission errors into messages the operator can act on. Business errors come back
/// as a non-zero <see cref="BybitResponse.RetCode"/>; unknown outcomes throw <see cref="BybitTransportException"/>.
/// </summary>
internal sealed class BybitRestClient
{
    private const int MaxRateLimitRetries = 3;
    private readonly HttpClient _http;
    private readonly BybitOptions _options;
    private readonly BybitSigner _signer;
    private readonly BybitServerClock _clock;
    private readonly TimeProvider _time;
    private readonly ILogger<BybitRestClient> _log;
    private readonly SemaphoreSlim _syncLock = new(1, 1);
    private readonly string _apiKey;
    private readonly string _recvWindow;

    public BybitRestClient(HttpClient http, IOptions<BybitOptions> options, BybitServerClock clock, TimeProvider time, ILogger<BybitRestClient> log)
    {
        _http = http;
        _options = options.Value;
        _apiKey = _options.ApiKey ?? throw new InvalidOperationException("Bybit:ApiKey is not configured.");
        _signer = new BybitSigner(_options.ApiSecret ?? throw new InvalidOperationException("Bybit:ApiSecret is not configured."));
        _recvWindow = _options.RecvWindow.ToString(CultureInfo.InvariantCulture);
        _clock = clock;
        _time = time;
        _log = log;
        _http.BaseAddress ??= _options.RestUri;
        _http.Timeout = Timeout.InfiniteTimeSpan; // per-call timeouts below tell a timeout from the caller's cancellation
    }

    /// <summary>The signer (the private stream authenticates with it).</summary>
    public BybitSigner Signer => _signer;

    /// <summary>Public GET (market data), unsigned.</summary>
    public Task<BybitResponse> GetPublicAsync(string path, string query, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, path, query, null, signed: false, ct);

    /// <summary>Signed GET; <paramref name="query"/> is already encoded (see <see cref="Query"/>).</summary>
    public Task<BybitResponse> GetAsync(string path, string query, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, path, query, null, signed: true, ct);

    /// <summary>Signed POST of a JSON body.</summary>
    public Task<BybitResponse> PostAsync(string path, string jsonBody, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, path, "", jsonBody, signed: true, ct);

    /// <summary>Builds an encoded query string from pairs, skipping null values, in the given order.</summary>
    public static string Query(params (string Key, string? Value)[] pairs)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in pairs)
        {
            if (v is null) continue;
            if (sb.Length > 0) sb.Append('&');
            sb.Append(Uri.EscapeDataString(k)).Append('=').Append(Uri.EscapeDataString(v));
        }
        return sb.ToString();
    }

    /// <summary>Measures the server time offset now.</summary>
    public async Task SyncTimeAsync(CancellationToken ct)
    {
        await _syncLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var sent = _clock.LocalMs;
            var r = await SendOnceAsync(HttpMethod.Get, "/v5/market/time", "", null, signed: false, ct).ConfigureAwait(false);
            var received = _clock.LocalMs;
            var server = r.Result.Long("timeNano") is { } nano ? nano / 1_000_000
                : r.Result.Long("timeSecond") is { } sec ? sec * 1000
                : r.Time ?? throw new ExchangeException("Bybit /v5/market/time returned no time.");
            _clock.Update(server, sent, received);
            _log.LogDebug("Bybit server time offset {OffsetMs} ms", _clock.OffsetMs);
        }
        finally { _syncLock.Release(); }
    }

    private async Task<BybitResponse> SendAsync(HttpMethod method, string path, string query, string? body, bool signed, CancellationToken ct)
    {
        if (signed && !_clock.Synced) await SyncTimeAsync(ct).ConfigureAwait(false);
        var resynced = false;
        var rateLimitRetries = 0;
        while (true)
        {
            var r = await SendOnceAsync(method, path, query, body, signed, ct).ConfigureAwait(false);
            if (r.RetCode == BybitErrors.TimeWindow && signed && !resynced)
            {
                // The request was refused before processing, so sending it again after a resync is safe.
                _log.LogWarning("Bybit refused {Path}: timestamp outside the receive window; resyncing server time and retrying once", path);
                resynced = true;
                await SyncTimeAsync(ct).ConfigureAwait(false);
                continue;
            }
            if (r.RetCode == BybitErrors.TimeWindow)
                throw new ExchangeException(
                    $"Bybit still refuses the request timestamp after a time resync (10002). Check this machine's clock (NTP) or raise Bybit:RecvWindow (now {_options.RecvWindow} ms).",
                    "10002");
            if (r.RetCode == BybitErrors.RateLimited || r.HttpStatus == (int)HttpStatusCode.TooManyRequests)
            {
                if (++rateLimitRetries > MaxRateLimitRetries)
                    throw new ExchangeException("Bybit keeps rate-limiting this API key (10006); try again in a minute.", "10006");
                var wait = RateLimitWait(r);
                if (wait > _options.MaxRateLimitWait)
                    throw new ExchangeException($"Bybit rate-limited this API key (10006) for {wait.TotalSeconds:0} s; try again later.", "10006");
                _log.LogWarning("Bybit rate limit on {Path}; waiting {WaitMs} ms", path, (long)wait.TotalMilliseconds);
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                continue;
            }
            if (BybitErrors.Configuration(r.RetCode, _options.Environment) is { } config)
            {
                _log.LogError("Bybit refused {Path}: {Code} {Message}", path, r.RetCode, r.RetMsg);
                throw config;
            }
            return r;
        }
    }

    private TimeSpan RateLimitWait(BybitResponse r)
    {
        var now = _clock.NowMs;
        var reset = r.ResetTimestampMs ?? now + 1000;
        return TimeSpan.FromMilliseconds(Math.Clamp(reset - now, 50, long.MaxValue / 2));
    }

    private async Task<BybitResponse> SendOnceAsync(HttpMethod method, string path, string query, string? body, bool signed, CancellationToken ct)
    {
        var url = query.Length > 0 ? path + "?" + query : path;
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }
        if (signed)
        {
            var ts = _clock.NowMs;
            request.Headers.TryAddWithoutValidation("X-BAPI-API-KEY", _apiKey);
            request.Headers.TryAddWithoutValidation("X-BAPI-TIMESTAMP", ts.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("X-BAPI-RECV-WINDOW", _recvWindow);
            request.Headers.TryAddWithoutValidation("X-BAPI-SIGN-TYPE", "2");
            request.Headers.TryAddWithoutValidation("X-BAPI-SIGN", _signer.SignRest(ts, _apiKey, _options.RecvWindow, body ?? query));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        string text;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new BybitTransportException($"Bybit did not answer {method} {path} within {_options.RequestTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException e)
        {
            throw new BybitTransportException($"Could not reach Bybit for {method} {path}: {e.Message}", e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            long? reset = response.Headers.TryGetValues("X-Bapi-Limit-Reset-Timestamp", out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var rs) ? rs : null;
            BybitResponse parsed;
            try
            {
                parsed = BybitResponse.Parse(text, status);
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                if (status == (int)HttpStatusCode.TooManyRequests)
                    return new BybitResponse(BybitErrors.RateLimited, "Too many requests", default, null, status) { ResetTimestampMs = reset };
                if (status >= 500)
                    throw new BybitTransportException($"Bybit answered {method} {path} with HTTP {status}; the outcome is unknown.");
                throw new ExchangeException($"Bybit answered {method} {path} with HTTP {status} and no V5 envelope.", status.ToString(CultureInfo.InvariantCulture));
            }
            if (BybitErrors.IsAmbiguous(parsed.RetCode))
                throw new BybitTransportException($"Bybit reported an internal error on {method} {path} ({parsed.RetCode} {parsed.RetMsg}); the outcome is unknown.");
            // Bybit echoes the signed string (with the API key) in some messages: keep the key out of logs and errors.
            return parsed with { ResetTimestampMs = reset, RetMsg = parsed.RetMsg.Replace(_apiKey, "***", StringComparison.Ordinal) };
        }
    }
}
