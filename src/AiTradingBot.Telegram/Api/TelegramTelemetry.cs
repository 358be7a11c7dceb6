using System.Diagnostics;

namespace AiTradingBot.Telegram.Api;

/// <summary>
/// The Telegram adapter's spans: one consumer activity per update handled ("telegram update", the parent of the core's
/// message span and of the replies) and one client activity per Bot API call (<see cref="TelegramApi.CallAsync{T}"/>),
/// named after the method, tagged with the outcome and the number of attempts. Never the token, a chat's text or a
/// URL (Bot API URLs hold the token).
/// </summary>
public static class TelegramTelemetry
{
    /// <summary>The activity source name tracing subscribes to.</summary>
    public const string Name = "AiTradingBot.Telegram";

    /// <summary>Bot API call spans.</summary>
    public static readonly ActivitySource Activities = new(Name);

    /// <summary>Tag: the Bot API method (sendMessage, getUpdates, …).</summary>
    public const string MethodTag = "telegram.method";

    /// <summary>Tag: ok, error (with <see cref="ErrorCodeTag"/>), timeout, network_error or cancelled.</summary>
    public const string OutcomeTag = "telegram.outcome";

    /// <summary>Tag: Telegram's error code of a failed call.</summary>
    public const string ErrorCodeTag = "telegram.error_code";

    /// <summary>Tag of the update span: message or callback_query.</summary>
    public const string UpdateKindTag = "telegram.update_kind";

    /// <summary>Tag: attempts made (1 without retries).</summary>
    public const string AttemptsTag = "telegram.attempts";

    /// <summary>
    /// Marks the adapter's HTTP requests so the generic HTTP client instrumentation can leave them out: its spans would
    /// carry the request URL, and a Bot API URL contains the bot token.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> BotApiRequest = new("AiTradingBot.Telegram.BotApiRequest");

    /// <summary>Whether a request is a Bot API request of this adapter (see <see cref="BotApiRequest"/>).</summary>
    public static bool IsBotApiRequest(HttpRequestMessage request) =>
        request is not null && request.Options.TryGetValue(BotApiRequest, out var marked) && marked;

    /// <summary>Puts the <see cref="BotApiRequest"/> mark on every request of the Telegram HttpClient.</summary>
    internal sealed class MarkingHandler : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Options.Set(BotApiRequest, true);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
