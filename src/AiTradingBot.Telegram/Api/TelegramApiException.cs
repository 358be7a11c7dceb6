namespace AiTradingBot.Telegram.Api;

/// <summary>
/// A Bot API call that failed after our retries: <see cref="ErrorCode"/> is Telegram's (400, 403, 429, 5xx), or 0 when
/// no answer came (network failure, timeout). The message names the method and never contains the bot token.
/// </summary>
public sealed class TelegramApiException(string method, int errorCode, string description, bool timedOut = false)
    : Exception($"Telegram {method} failed: " + (errorCode == 0 ? description : $"{errorCode} {description}"))
{
    /// <summary>The Bot API method, e.g. sendMessage.</summary>
    public string Method { get; } = method;

    /// <summary>HTTP/Telegram error code; 0 when the server could not be reached or did not answer in time.</summary>
    public int ErrorCode { get; } = errorCode;

    /// <summary>Telegram's description (redacted).</summary>
    public string Description { get; } = description;

    /// <summary>True for a network failure or a timeout (no answer from the server).</summary>
    public bool IsNetworkError => ErrorCode == 0;

    /// <summary>True when no answer came in time: the request may or may not have been carried out.</summary>
    public bool TimedOut { get; } = timedOut;

    /// <summary>True when the bot was blocked or removed from the chat (403).</summary>
    public bool IsForbidden => ErrorCode == 403;
}
