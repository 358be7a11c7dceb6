using System.Diagnostics;
using System.Net;
using AiTradingBot.Telegram.Sending;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Exceptions;

namespace AiTradingBot.Telegram.Api;

/// <summary>How a Bot API call may be repeated after a failure.</summary>
public enum TelegramCallKind
{
    /// <summary>Safe to repeat (reads, edits to a fixed text, answers, settings): retried after network errors, timeouts and 5xx.</summary>
    Idempotent,

    /// <summary>
    /// Creates a message: repeated only when Telegram surely did not take it (429, an error answer, a refused connection),
    /// never after a timeout, so a retry racing a success cannot send it twice.
    /// </summary>
    Send,

    /// <summary>Cosmetic (typing…): never retried.</summary>
    BestEffort,
}

/// <summary>
/// Our policy around the library's <see cref="ITelegramBotClient"/> (which is built with RetryThreshold 0 and so never
/// retries by itself): a timeout per call, 429 handed to the <see cref="SendPacer"/> (per chat and globally) and then
/// retried, backoff on 5xx and network errors where repeating is safe, and every failure turned into a redacted
/// <see cref="TelegramApiException"/>.
/// </summary>
public sealed class TelegramApi(ITelegramBotClient bot, SendPacer pacer, IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramApi> logger)
{
    /// <summary>Name of the HttpClient registered for Telegram (with its request loggers removed: URLs hold the token).</summary>
    public const string HttpClientName = "AiTradingBot.Telegram";

    private readonly TelegramOptions _options = options.Value;

    /// <summary>The library client.</summary>
    public ITelegramBotClient Bot => bot;

    /// <summary>
    /// Runs one Bot API call under the policy. <paramref name="chatId"/> paces it as a message to that chat (null: not
    /// paced, only a global 429 pause applies); <paramref name="extraTimeout"/> is added to Telegram:RequestTimeout
    /// (getUpdates' long poll).
    /// </summary>
    public async Task<T> CallAsync<T>(string method, long? chatId, TelegramCallKind kind, Func<ITelegramBotClient, CancellationToken, Task<T>> call,
        CancellationToken ct, TimeSpan extraTimeout = default)
    {
        var retries = kind == TelegramCallKind.BestEffort ? 0 : _options.MaxRetries;
        var timeout = _options.RequestTimeout + extraTimeout;
        // One span per call, retries included: the method and how it ended, nothing of the request's content.
        using var activity = TelegramTelemetry.Activities.StartActivity(method, ActivityKind.Client);
        activity?.SetTag(TelegramTelemetry.MethodTag, method);
        for (var attempt = 0; ; attempt++)
        {
            activity?.SetTag(TelegramTelemetry.AttemptsTag, attempt + 1);
            await pacer.WaitAsync(chatId, ct).ConfigureAwait(false);
            TelegramApiException failure;
            bool retryable;
            TimeSpan? wait = null;
            try
            {
                using var timeoutCts = new CancellationTokenSource(timeout, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
                var result = await call(bot, linked.Token).ConfigureAwait(false);
                activity?.SetTag(TelegramTelemetry.OutcomeTag, "ok");
                return result;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                activity?.SetTag(TelegramTelemetry.OutcomeTag, "cancelled");
                throw;
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failure = new TelegramApiException(method, 0, $"no answer within {timeout.TotalSeconds:0.#}s", timedOut: true);
                retryable = kind == TelegramCallKind.Idempotent;
            }
            catch (ApiRequestException e) when (e.ErrorCode == 429)
            {
                var retryAfter = TimeSpan.FromSeconds(Math.Max(1, e.Parameters?.RetryAfter ?? 1));
                failure = new TelegramApiException(method, 429, Redact(e.Message));
                pacer.Block(chatId, retryAfter);
                retryable = retryAfter <= _options.MaxRetryAfter && kind != TelegramCallKind.BestEffort;
                wait = TimeSpan.Zero; // the pacer holds the next attempt back for retry_after
                if (retryable && attempt < retries)
                    logger.LogWarning("Telegram {Method} is rate limited; waiting {RetryAfter} as asked", method, retryAfter);
            }
            catch (ApiRequestException e)
            {
                failure = new TelegramApiException(method, e.ErrorCode, Redact(e.Message));
                // An error answer means Telegram did not carry the request out; only server errors are worth repeating.
                retryable = e.ErrorCode >= 500 && kind != TelegramCallKind.BestEffort;
            }
            catch (RequestException e)
            {
                var (code, description, timedOut, notSent) = Describe(e);
                failure = new TelegramApiException(method, code, description, timedOut);
                retryable = kind switch
                {
                    TelegramCallKind.Idempotent => code == 0 || code >= 500,
                    TelegramCallKind.Send => notSent || code >= 500,
                    _ => false,
                };
            }
            if (!retryable || attempt >= retries)
            {
                if (activity is not null)
                {
                    var outcome = failure.TimedOut ? "timeout" : failure.IsNetworkError ? "network_error" : "error";
                    activity.SetTag(TelegramTelemetry.OutcomeTag, outcome);
                    if (failure.ErrorCode != 0) activity.SetTag(TelegramTelemetry.ErrorCodeTag, failure.ErrorCode);
                    // Only the code: a description may quote what was sent.
                    activity.SetStatus(ActivityStatusCode.Error, failure.ErrorCode != 0 ? failure.ErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : outcome);
                }
                throw failure;
            }
            var delay = wait ?? Backoff(attempt);
            if (delay > TimeSpan.Zero)
            {
                logger.LogWarning("Telegram {Method} failed ({Error}); retry {Attempt}/{Retries} in {Delay}", method, failure.Description, attempt + 1, retries, delay);
                await Task.Delay(delay, time, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Runs a call that returns nothing.</summary>
    public Task CallAsync(string method, long? chatId, TelegramCallKind kind, Func<ITelegramBotClient, CancellationToken, Task> call, CancellationToken ct) =>
        CallAsync<bool>(method, chatId, kind, async (b, token) =>
        {
            await call(b, token).ConfigureAwait(false);
            return true;
        }, ct);

    /// <summary>Replaces the bot token in a text (for errors from lower layers).</summary>
    public string Redact(string text) => Redact(text, _options.BotToken);

    /// <summary>Replaces a token in a text.</summary>
    public static string Redact(string text, string? token) =>
        string.IsNullOrEmpty(token) ? text : text.Replace(token, "<redacted>", StringComparison.Ordinal);

    // The library wraps transport failures and unparsable answers; the inner exception says which it was.
    private (int Code, string Description, bool TimedOut, bool NotSent) Describe(RequestException e)
    {
        var status = e.HttpStatusCode is { } s ? (int)s : 0;
        if (status == (int)HttpStatusCode.RequestTimeout || e.InnerException is TaskCanceledException or TimeoutException)
            return (0, "no answer in time", true, false);
        if (e.InnerException is HttpRequestException http)
        {
            // A connection that never opened cannot have delivered anything.
            var notSent = http.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError;
            return (0, Redact(http.Message), false, notSent);
        }
        if (e.InnerException is IOException io) return (0, Redact(io.Message), false, false);
        return (status, Redact(e.Message), false, false);
    }

    private TimeSpan Backoff(int attempt) => _options.RetryBaseDelay * Math.Pow(2, Math.Min(attempt, 6));
}
