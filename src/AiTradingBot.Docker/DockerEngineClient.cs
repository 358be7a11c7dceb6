using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker.Api;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Docker;

/// <summary>
/// A thin typed client of the Docker Engine API (also Podman's compatible API) over a unix socket or TCP.
/// Negotiates the API version once, maps failures to the core's typed exceptions, and never sends a shell string.
/// </summary>
public sealed partial class DockerEngineClient : IDisposable
{
    /// <summary>Label carried by every container this assistant launched; only those may be removed.</summary>
    public const string ManagedLabel = "aitradingbot.managed";

    /// <summary>Value of <see cref="ManagedLabel"/> on managed containers.</summary>
    public const string ManagedLabelValue = "true";

    private const int MaxLogTail = 100_000;
    private const long MaxLogBytes = 32L * 1024 * 1024;
    private const int MaxErrorBodyBytes = 16 * 1024;
    private const int MaxStopSeconds = 3600;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient _http;
    private readonly DockerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _negotiation = new(1, 1);
    private DockerApiVersion? _apiVersion;

    /// <summary>Creates a client for <paramref name="options"/>.Endpoint.</summary>
    public DockerEngineClient(DockerOptions options, TimeProvider? time = null, ILogger<DockerEngineClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        Endpoint = DockerEndpoint.Parse(options.Endpoint);
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _http = new HttpClient(Endpoint.CreateHandler(), disposeHandler: true)
        {
            BaseAddress = Endpoint.BaseAddress,
            // Each call sets its own deadline (stop needs its grace period on top).
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (DockerApiVersion.TryParse(options.ApiVersion, out var pinned)) _apiVersion = pinned;
    }

    /// <summary>Where this client talks to.</summary>
    public DockerEndpoint Endpoint { get; }

    /// <summary>The API version in use once negotiated (or pinned by <c>Docker:ApiVersion</c>).</summary>
    public DockerApiVersion? ApiVersion => _apiVersion;

    private TimeSpan RequestTimeout => TimeSpan.FromSeconds(_options.RequestTimeoutSeconds);

    /// <summary>
    /// Negotiates the API version: <c>/_ping</c>'s <c>Api-Version</c> header, else <c>/version</c>'s <c>ApiVersion</c>;
    /// uses the lower of the daemon's and ours. Cached after the first success.
    /// </summary>
    public Task<DockerApiVersion> NegotiateApiVersionAsync(CancellationToken ct) => NegotiateApiVersionAsync("answer a ping", ct);

    /// <summary>Negotiates on behalf of <paramref name="operation"/>, so a failure names what the user asked for.</summary>
    private async Task<DockerApiVersion> NegotiateApiVersionAsync(string operation, CancellationToken ct)
    {
        if (_apiVersion is { } known) return known;
        await _negotiation.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_apiVersion is { } again) return again;
            var header = await CallAsync(HttpMethod.Get, "/_ping", null, operation, null, RequestTimeout,
                (r, _) => Task.FromResult(ReadApiVersionHeader(r)), ct, versioned: false).ConfigureAwait(false);
            var server = header;
            if (server is null)
            {
                var body = await CallAsync(HttpMethod.Get, "/version", null, operation, null, RequestTimeout,
                    (r, t) => r.Content.ReadAsStringAsync(t), ct, versioned: false).ConfigureAwait(false);
                server = ParseVersionBody(body);
            }
            if (server is not { } s)
                throw new ContainerRuntimeException(
                    $"Docker at {Endpoint} did not report an API version (neither /_ping nor /version). Is it a Docker Engine API? "
                    + "Set Docker:ApiVersion to pin one.");
            var chosen = DockerApiVersion.Negotiate(s);
            if (chosen.CompareTo(DockerApiVersion.ClientMinimum) < 0)
                throw new ContainerRuntimeException(
                    $"Docker at {Endpoint} speaks API {s}, older than the {DockerApiVersion.ClientMinimum} this assistant needs. Upgrade the daemon.");
            _apiVersion = chosen;
            LogNegotiated(Endpoint.Text, s.ToString(), chosen.ToString());
            return chosen;
        }
        finally
        {
            _negotiation.Release();
        }
    }

    /// <summary>The version from <c>/_ping</c>'s <c>Api-Version</c> header.</summary>
    internal static DockerApiVersion? ReadApiVersionHeader(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Api-Version", out var values) && DockerApiVersion.TryParse(values.FirstOrDefault(), out var v) ? v : null;

    /// <summary>The <c>ApiVersion</c> field of a <c>/version</c> answer.</summary>
    internal static DockerApiVersion? ParseVersionBody(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty("ApiVersion", out var v) && v.ValueKind == JsonValueKind.String
                   && DockerApiVersion.TryParse(v.GetString(), out var parsed)
                ? parsed
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>State of a container (<c>GET /containers/{id}/json</c>).</summary>
    public async Task<ContainerInfo> InspectAsync(string container, CancellationToken ct)
    {
        var c = CheckReference(container);
        var dto = await GetJsonAsync<ContainerInspectResponse>($"/containers/{Esc(c)}/json", $"inspect container '{c}'", c, ct).ConfigureAwait(false);
        return ToInfo(dto, c);
    }

    /// <summary>Containers matching <paramref name="filter"/> (names anchored and re-checked client-side).</summary>
    internal async Task<IReadOnlyList<ContainerSummary>> ListAsync(DockerContainerFilter filter, bool all, CancellationToken ct)
    {
        var query = new StringBuilder("/containers/json?all=").Append(all ? "1" : "0");
        if (filter.ToQueryValue() is { } f) query.Append("&filters=").Append(Uri.EscapeDataString(f));
        var items = await GetJsonAsync<List<ContainerListItem>>(query.ToString(), "list containers", null, ct).ConfigureAwait(false) ?? [];
        return items
            .Where(i => filter.MatchesName(i.Names))
            .Select(i => new ContainerSummary(
                i.Id ?? "",
                (i.Names?.FirstOrDefault() ?? "").TrimStart('/'),
                i.State ?? "unknown",
                i.Status ?? "",
                i.Image,
                Labels(i.Labels)))
            .ToList();
    }

    /// <summary>Containers, optionally only those with a label (<c>key</c> or <c>key=value</c>).</summary>
    public Task<IReadOnlyList<ContainerSummary>> ListAsync(string? label, CancellationToken ct) =>
        ListAsync(new DockerContainerFilter(Labels: string.IsNullOrWhiteSpace(label) ? null : [label]), all: true, ct);

    /// <summary>Starts a container; 304 (already running) is success with <see cref="ContainerActionResult.AlreadyInState"/>.</summary>
    public Task<ContainerActionResult> StartAsync(string container, CancellationToken ct)
    {
        var c = CheckReference(container);
        return ActionAsync($"/containers/{Esc(c)}/start", $"start container '{c}'", c, RequestTimeout, ct);
    }

    /// <summary>Stops a container with an explicit grace period <paramref name="timeout"/> (always sent as <c>t</c>).</summary>
    public Task<ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct)
    {
        var c = CheckReference(container);
        var t = GraceSeconds(timeout);
        return ActionAsync($"/containers/{Esc(c)}/stop?t={t}", $"stop container '{c}'", c, RequestTimeout + TimeSpan.FromSeconds(t), ct);
    }

    /// <summary>Restarts a container with an explicit grace period <paramref name="timeout"/> (always sent as <c>t</c>).</summary>
    public Task<ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct)
    {
        var c = CheckReference(container);
        var t = GraceSeconds(timeout);
        return ActionAsync($"/containers/{Esc(c)}/restart?t={t}", $"restart container '{c}'", c, RequestTimeout + TimeSpan.FromSeconds(t), ct);
    }

    /// <summary>
    /// Last lines of a container's stdout and stderr. Reads the container's <c>Tty</c> first: without a TTY the stream is
    /// multiplexed (8-byte frame headers), with one it is raw. <see cref="LogQuery.Grep"/> is a case-insensitive substring
    /// applied here, over the last <see cref="DockerOptions.LogGrepScanLines"/> lines.
    /// </summary>
    public async Task<IReadOnlyList<LogLine>> GetLogsAsync(string container, LogQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var c = CheckReference(container);
        var info = await InspectAsync(c, ct).ConfigureAwait(false);
        var tail = Math.Clamp(query.Tail, 1, MaxLogTail);
        var grep = string.IsNullOrEmpty(query.Grep) ? null : query.Grep;
        var fetch = grep is null ? tail : Math.Max(tail, _options.LogGrepScanLines);
        var path = new StringBuilder($"/containers/{Esc(c)}/logs?stdout=1&stderr=1&follow=0&tail={fetch}");
        if (query.Timestamps) path.Append("&timestamps=1");
        if (query.Since is { } since && since > TimeSpan.Zero)
            path.Append("&since=").Append((_time.GetUtcNow() - since).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));

        var raw = await CallAsync(HttpMethod.Get, path.ToString(), null, $"read the logs of container '{c}'", c, RequestTimeout,
            (r, t) => ReadLogLinesAsync(r, info.Tty, t), ct).ConfigureAwait(false);

        IEnumerable<LogLine> lines = raw.Select(l => ToLogLine(l.Stream, l.Text, query.Timestamps));
        if (grep is not null) lines = lines.Where(l => l.Text.Contains(grep, StringComparison.OrdinalIgnoreCase));
        return lines.TakeLast(tail).ToList();
    }

    /// <summary>Splits a logs answer into lines: demultiplexed when <paramref name="tty"/> is false, raw otherwise.</summary>
    internal static async Task<IReadOnlyList<(LogStream Stream, string Text)>> ReadLogLinesAsync(HttpResponseMessage response, bool tty, CancellationToken ct)
    {
        var splitter = new DockerLineSplitter();
        var demux = new DockerFrameDemultiplexer();
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        long total = 0;
        int n;
        while (total < MaxLogBytes && (n = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            total += n;
            if (tty) splitter.Add(LogStream.Stdout, buffer.AsSpan(0, n));
            else demux.Feed(buffer.AsSpan(0, n), splitter.Add);
        }
        if (!tty) demux.Complete(splitter.Add);
        splitter.Complete();
        return splitter.Lines;
    }

    /// <summary>One line, with Docker's RFC 3339 prefix parsed off when timestamps were requested.</summary>
    internal static LogLine ToLogLine(LogStream stream, string text, bool timestamps)
    {
        if (timestamps)
        {
            var space = text.IndexOf(' ');
            var head = space > 0 ? text[..space] : text;
            if (head.Length >= 20 && char.IsAsciiDigit(head[0]) && DockerTime.Parse(head) is { } at)
                return new LogLine(stream, space > 0 ? text[(space + 1)..] : "", at);
        }
        return new LogLine(stream, text);
    }

    /// <summary>One raw stats sample (<c>stream=false</c>), or null when the daemon has none (container not running).</summary>
    internal async Task<DockerStatsSample?> GetStatsSampleAsync(string container, CancellationToken ct)
    {
        var c = CheckReference(container);
        var body = await CallAsync(HttpMethod.Get, $"/containers/{Esc(c)}/stats?stream=false", null, $"read the stats of container '{c}'", c,
            RequestTimeout, (r, t) => r.Content.ReadAsStringAsync(t), ct).ConfigureAwait(false);
        DockerStatsSample? sample;
        try
        {
            sample = DockerStatsSample.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new ContainerRuntimeException($"Docker at {Endpoint} sent stats for container '{c}' that are not valid JSON ({ex.Message}).");
        }
        // Docker answers a stopped container with zero counters and a zero read time.
        return sample is null || (sample.Read is null && sample.CpuTotal is null or 0) ? null : sample;
    }

    /// <summary>
    /// CPU %, memory used (without reclaimable cache), memory limit and PIDs. CPU comes from the daemon's
    /// <c>precpu_stats</c> when filled (Docker), otherwise from two samples of our own
    /// <see cref="DockerOptions.StatsSampleMilliseconds"/> apart (Podman leaves <c>precpu_stats</c> zero).
    /// </summary>
    public async Task<ContainerStats> GetStatsAsync(string container, CancellationToken ct)
    {
        var first = await GetStatsSampleAsync(container, ct).ConfigureAwait(false);
        if (first is null) return new ContainerStats(null, null, null, null);
        if (DockerStatsMath.HasPrecpu(first)) return ToStats(first, DockerStatsMath.CpuPercentFromPrecpu(first));

        var started = _time.GetTimestamp();
        await Task.Delay(TimeSpan.FromMilliseconds(_options.StatsSampleMilliseconds), _time, ct).ConfigureAwait(false);
        var second = await GetStatsSampleAsync(container, ct).ConfigureAwait(false);
        if (second is null) return ToStats(first, null);
        return ToStats(second, DockerStatsMath.CpuPercentBetween(first, second, _time.GetElapsedTime(started)));
    }

    private static ContainerStats ToStats(DockerStatsSample s, double? cpu) =>
        new(cpu, DockerStatsMath.MemoryUsed(s), s.MemoryLimit is > 0 ? s.MemoryLimit : null, s.Pids);

    /// <summary>
    /// Runs an argv in a running container: a new exec per call (create, start attached, inspect the exit code).
    /// Output (stdout and stderr in arrival order) is kept up to <see cref="DockerOptions.ExecOutputLimitBytes"/>.
    /// </summary>
    public async Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct)
    {
        var c = CheckReference(container);
        CheckArgv(argv);
        var operation = $"run '{argv[0]}' in container '{c}'";
        IdResponse? created;
        try
        {
            created = await SendJsonAsync<IdResponse>(HttpMethod.Post, $"/containers/{Esc(c)}/exec", new ExecCreateRequest(argv), operation, c,
                RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeConflictException)
        {
            // Docker says 409 "is not running", Podman 500 "container state improper": tell the user the same thing for both.
            if (await InspectAsync(c, ct).ConfigureAwait(false) is { Running: false } stopped)
                throw new ContainerRuntimeConflictException(409,
                    $"Container '{c}' is not running (state: {stopped.State}), so '{argv[0]}' cannot run in it. Start it first.");
            throw;
        }
        if (string.IsNullOrEmpty(created?.Id))
            throw new ContainerRuntimeException($"Docker at {Endpoint} did not return an exec id when asked to {operation}.");
        var execId = created.Id;

        var limit = _options.ExecOutputLimitBytes;
        var execTimeout = TimeSpan.FromSeconds(_options.ExecTimeoutSeconds);
        (byte[] Bytes, int Length, bool Truncated) output;
        try
        {
            output = await CallAsync(HttpMethod.Post, $"/exec/{Esc(execId)}/start", Serialize(new ExecStartRequest()), operation, c, execTimeout,
                (r, t) => ReadExecOutputAsync(r, limit, t), ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeUnavailableException ex) when (ex.InnerException is OperationCanceledException)
        {
            throw new ContainerRuntimeException(
                $"'{argv[0]}' in container '{c}' did not finish within {execTimeout.TotalSeconds:0} s (Docker:ExecTimeoutSeconds); "
                + "it may still be running inside the container.");
        }

        // The stream ends when the process exits; the daemon may take a moment to record the exit code.
        for (var attempt = 0; ; attempt++)
        {
            var inspect = await GetJsonAsync<ExecInspectResponse>($"/exec/{Esc(execId)}/json", operation, c, ct).ConfigureAwait(false);
            if (inspect?.Running != true && inspect?.ExitCode is { } code)
                return new ExecResult(code, DecodeUtf8Prefix(output.Bytes, output.Length), output.Truncated);
            if (attempt >= 40)
                throw new ContainerRuntimeException($"Docker at {Endpoint} did not report an exit code after the output of {operation} ended.");
            await Task.Delay(TimeSpan.FromMilliseconds(50), _time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a multiplexed exec stream, keeping the first <paramref name="limit"/> bytes and discarding the rest.</summary>
    internal static async Task<(byte[] Bytes, int Length, bool Truncated)> ReadExecOutputAsync(HttpResponseMessage response, int limit, CancellationToken ct)
    {
        var kept = new byte[limit];
        var length = 0;
        var truncated = false;
        var demux = new DockerFrameDemultiplexer();
        void Keep(LogStream _, ReadOnlySpan<byte> payload)
        {
            var room = limit - length;
            if (payload.Length > room) truncated = true;
            var n = Math.Min(room, payload.Length);
            payload[..n].CopyTo(kept.AsSpan(length));
            length += n;
        }
        await using var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            demux.Feed(buffer.AsSpan(0, read), Keep);
        demux.Complete(Keep);
        return (kept, length, truncated);
    }

    /// <summary>Decodes UTF-8, dropping a multi-byte character cut in half by the output cap.</summary>
    internal static string DecodeUtf8Prefix(byte[] bytes, int length)
    {
        var end = length;
        // Walk back over continuation bytes to the start of the last character and keep it only if complete.
        var start = end - 1;
        while (start >= 0 && end - start < 4 && (bytes[start] & 0xC0) == 0x80) start--;
        if (start >= 0 && bytes[start] >= 0xC0)
        {
            var need = bytes[start] >= 0xF0 ? 4 : bytes[start] >= 0xE0 ? 3 : 2;
            if (end - start < need) end = start;
        }
        return Encoding.UTF8.GetString(bytes, 0, end);
    }

    /// <summary>
    /// Creates and starts a container from a template, with <see cref="ManagedLabel"/> set, an explicit stop timeout and
    /// restart policy; never privileged, no binds, default (bridge) network and PID namespace. A container that cannot be
    /// started is removed again.
    /// </summary>
    public async Task<ContainerInfo> LaunchAsync(LaunchRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name?.Trim() ?? "";
        if (!ContainerNameRegex().IsMatch(name))
            throw new ContainerRuntimeException(
                $"'{name}' is not a valid container name: use letters, digits, '_', '.' and '-', starting with a letter or digit.");
        if (string.IsNullOrWhiteSpace(request.Image) || request.Image.Any(char.IsWhiteSpace))
            throw new ContainerRuntimeException($"'{request.Image}' is not a valid image reference for container '{name}'.");
        var body = new ContainerCreateRequest
        {
            Image = request.Image.Trim(),
            Cmd = request.Command is { Count: > 0 } cmd ? CheckArgv(cmd) : null,
            Env = request.Environment.Select(kv => EnvEntry(kv.Key, kv.Value)).ToList(),
            Labels = new Dictionary<string, string>(request.Labels, StringComparer.Ordinal) { [ManagedLabel] = ManagedLabelValue },
            StopTimeout = GraceSeconds(request.StopTimeout),
            HostConfig = new ContainerCreateRequest.CreateHostConfig { RestartPolicy = ParseRestartPolicy(request.RestartPolicy) },
        };
        var created = await SendJsonAsync<IdResponse>(HttpMethod.Post, $"/containers/create?name={Esc(name)}", body,
            $"create container '{name}' from image '{body.Image}'", null, RequestTimeout, ct).ConfigureAwait(false);
        var id = created?.Id;
        if (string.IsNullOrEmpty(id))
            throw new ContainerRuntimeException($"Docker at {Endpoint} did not return an id for the new container '{name}'.");
        try
        {
            await StartAsync(id, ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException)
        {
            // Do not leave a half-launched container behind; the start failure is what the user needs to see.
            try
            {
                await DeleteAsync(id, name, force: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (ContainerRuntimeException cleanup)
            {
                LogLaunchCleanupFailed(name, cleanup.Message);
            }
            throw;
        }
        return await InspectAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Removes a container the assistant launched. Refuses (defense in depth, even if a plan got this far) a container
    /// without <c>aitradingbot.managed=true</c>.
    /// </summary>
    public async Task RemoveAsync(string container, bool force, CancellationToken ct)
    {
        var c = CheckReference(container);
        var info = await InspectAsync(c, ct).ConfigureAwait(false);
        if (!info.Labels.TryGetValue(ManagedLabel, out var v) || !string.Equals(v, ManagedLabelValue, StringComparison.OrdinalIgnoreCase))
            throw new UnmanagedContainerException(c,
                $"Refusing to remove container '{c}': it does not carry the label {ManagedLabel}={ManagedLabelValue}, so it was not launched by "
                + "this assistant. Remove it by hand on the Docker host if that is really intended.");
        await DeleteAsync(info.Id, c, force, ct).ConfigureAwait(false);
    }

    private Task DeleteAsync(string id, string name, bool force, CancellationToken ct) =>
        CallAsync(HttpMethod.Delete, $"/containers/{Esc(id)}?force={(force ? "1" : "0")}&v=0", null, $"remove container '{name}'", name,
            RequestTimeout + TimeSpan.FromSeconds(force ? 15 : 0), (_, _) => Task.FromResult(true), ct);

    /// <inheritdoc />
    public void Dispose()
    {
        _http.Dispose();
        _negotiation.Dispose();
    }

    // ---- plumbing ----

    private async Task<ContainerActionResult> ActionAsync(string path, string operation, string container, TimeSpan timeout, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var status = await CallAsync(HttpMethod.Post, path, null, operation, container, timeout,
            (r, _) => Task.FromResult(r.StatusCode), ct).ConfigureAwait(false);
        return new ContainerActionResult(container, status == HttpStatusCode.NotModified, _time.GetElapsedTime(started));
    }

    private Task<T?> GetJsonAsync<T>(string path, string operation, string? container, CancellationToken ct) =>
        CallAsync(HttpMethod.Get, path, null, operation, container, RequestTimeout, (r, t) => ReadJsonAsync<T>(r, operation, t), ct);

    private Task<T?> SendJsonAsync<T>(HttpMethod method, string path, object body, string operation, string? container, TimeSpan timeout, CancellationToken ct) =>
        CallAsync(method, path, Serialize(body), operation, container, timeout, (r, t) => ReadJsonAsync<T>(r, operation, t), ct);

    private static string Serialize(object body) => JsonSerializer.Serialize(body, body.GetType(), Json);

    private async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, string operation, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            return string.IsNullOrWhiteSpace(text) ? default : JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (JsonException ex)
        {
            throw new ContainerRuntimeException($"Docker at {Endpoint} sent an answer we could not read when asked to {operation} ({ex.Message}).");
        }
    }

    /// <summary>
    /// Sends one request within <paramref name="timeout"/> and hands a successful (2xx or 304) response to
    /// <paramref name="read"/> inside the same deadline; everything else becomes a typed exception.
    /// </summary>
    private async Task<T> CallAsync<T>(HttpMethod method, string path, string? jsonBody, string operation, string? container, TimeSpan timeout,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken ct, bool versioned = true)
    {
        var prefix = versioned ? "/v" + await NegotiateApiVersionAsync(operation, ct).ConfigureAwait(false) : "";
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        var observed = AiTradingBot.Core.Telemetry.AiTradingBotTelemetry.StartDockerRequest(Endpoint.Text, method.Method, path);
        try
        {
            using var request = new HttpRequestMessage(method, prefix + path);
            if (jsonBody is not null) request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            if (code is < 200 or > 299 && code != 304)
            {
                var body = await ReadLimitedAsync(response, cts.Token).ConfigureAwait(false);
                // A missing container is an ordinary answer the user sees; other errors deserve the operator's attention.
                if (code == 404) LogDaemonNotFound(method.Method, path, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                else LogDaemonError(method.Method, path, code, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                observed.Finish(code == 404 ? "not_found" : "error");
                throw DockerErrorMapper.FromStatus(code, body, Endpoint, operation, container);
            }
            var value = await read(response, cts.Token).ConfigureAwait(false);
            observed.Finish("ok");
            return value;
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            observed.Finish("timeout");
            throw DockerErrorMapper.Timeout(Endpoint, operation, timeout, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or SocketException && !ct.IsCancellationRequested)
        {
            observed.Finish("unreachable");
            LogTransportError(Endpoint.Text, operation, ex.Message);
            throw DockerErrorMapper.FromTransport(ex, Endpoint, operation);
        }
    }

    private static async Task<string> ReadLimitedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var s = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        var buffer = new byte[MaxErrorBodyBytes];
        var total = 0;
        int n;
        while (total < buffer.Length && (n = await s.ReadAsync(buffer.AsMemory(total), ct).ConfigureAwait(false)) > 0) total += n;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private int GraceSeconds(TimeSpan timeout)
    {
        // A non-positive grace period means "the configured one": Podman kills at once without t, a bot needs time to cancel orders.
        if (timeout <= TimeSpan.Zero) return _options.StopTimeoutSeconds;
        return (int)Math.Min(MaxStopSeconds, Math.Ceiling(timeout.TotalSeconds));
    }

    /// <summary>Checks a container name or id before it goes into a URL path.</summary>
    internal static string CheckReference(string? container)
    {
        var c = container?.Trim().TrimStart('/') ?? "";
        if (c.Length is 0 or > 255 || !ContainerReferenceRegex().IsMatch(c))
            throw new ContainerNotFoundException(container ?? "",
                $"'{container}' is not a valid container name or id. Check the system's Container setting (Systems:<name>:Container).");
        return c;
    }

    private static IReadOnlyList<string> CheckArgv(IReadOnlyList<string>? argv)
    {
        if (argv is null || argv.Count == 0 || string.IsNullOrWhiteSpace(argv[0]))
            throw new ContainerRuntimeException("The command is empty: an allowlisted command is an argv such as [\"/app/healthcheck\", \"--json\"].");
        if (argv.Any(a => a is null || a.Contains('\0') || a.Length > 8192))
            throw new ContainerRuntimeException($"The command '{argv[0]}' has an argument that is null, too long or contains a NUL character.");
        return argv;
    }

    private static string EnvEntry(string key, string? value)
    {
        if (string.IsNullOrEmpty(key) || key.Contains('=') || key.Contains('\0') || (value?.Contains('\0') ?? false))
            throw new ContainerRuntimeException($"'{key}' is not a valid environment variable name (no '=', not empty).");
        return key + "=" + value;
    }

    /// <summary>Parses <c>no</c>, <c>always</c>, <c>unless-stopped</c>, <c>on-failure</c> or <c>on-failure:N</c>.</summary>
    internal static RestartPolicyDto ParseRestartPolicy(string? policy)
    {
        var p = string.IsNullOrWhiteSpace(policy) ? "no" : policy.Trim().ToLowerInvariant();
        if (p is "no" or "always" or "unless-stopped" or "on-failure") return new RestartPolicyDto { Name = p, MaximumRetryCount = 0 };
        if (p.StartsWith("on-failure:", StringComparison.Ordinal)
            && int.TryParse(p["on-failure:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var retries))
            return new RestartPolicyDto { Name = "on-failure", MaximumRetryCount = retries };
        throw new ContainerRuntimeException($"'{policy}' is not a restart policy: use no, always, unless-stopped, on-failure or on-failure:N.");
    }

    internal static ContainerInfo ToInfo(ContainerInspectResponse? dto, string asked)
    {
        var state = dto?.State;
        var running = state?.Running ?? false;
        var finished = DockerTime.Parse(state?.FinishedAt);
        var policy = dto?.HostConfig?.RestartPolicy;
        var policyName = string.IsNullOrEmpty(policy?.Name) ? "no" : policy.Name;
        if (policyName == "on-failure" && policy?.MaximumRetryCount is > 0) policyName += ":" + policy.MaximumRetryCount;
        var health = state?.Health?.Status;
        return new ContainerInfo(
            Name: string.IsNullOrEmpty(dto?.Name) ? asked : dto.Name.TrimStart('/'),
            Id: dto?.Id ?? "",
            State: string.IsNullOrEmpty(state?.Status) ? (running ? "running" : "unknown") : state.Status,
            Running: running,
            Health: string.IsNullOrEmpty(health) ? null : health,
            RestartCount: dto?.RestartCount ?? 0,
            StartedAt: DockerTime.Parse(state?.StartedAt),
            FinishedAt: finished,
            // The exit code is only meaningful once the container has exited at least once.
            ExitCode: finished is null ? null : state?.ExitCode,
            Tty: dto?.Config?.Tty ?? false,
            Image: dto?.Config?.Image,
            Labels: Labels(dto?.Config?.Labels),
            RestartPolicy: policyName);
    }

    private static IReadOnlyDictionary<string, string> Labels(Dictionary<string, string?>? labels) =>
        labels is null ? new Dictionary<string, string>() : labels.ToDictionary(kv => kv.Key, kv => kv.Value ?? "", StringComparer.Ordinal);

    private static string Esc(string s) => Uri.EscapeDataString(s);

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ContainerReferenceRegex();

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$")]
    private static partial Regex ContainerNameRegex();

    [LoggerMessage(Level = LogLevel.Information, Message = "Docker API at {Endpoint}: daemon speaks {Server}, using {Chosen}")]
    private partial void LogNegotiated(string endpoint, string server, string chosen);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker API {Method} {Path} answered {Status} after {ElapsedMs:0} ms")]
    private partial void LogDaemonError(string method, string path, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Docker API {Method} {Path} answered 404 after {ElapsedMs:0} ms")]
    private partial void LogDaemonNotFound(string method, string path, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Docker at {Endpoint} unreachable while trying to {Operation}: {Error}")]
    private partial void LogTransportError(string endpoint, string operation, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not remove container {Name} after its start failed: {Error}")]
    private partial void LogLaunchCleanupFailed(string name, string error);
}
