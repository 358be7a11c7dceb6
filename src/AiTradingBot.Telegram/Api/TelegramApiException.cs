namespace AiTradingBot.Telegram.Api;

/// <summary>
/// A Bot API call that failed: <see cref="ErrorCode"/> is Telegram's (400, 403, 429, 5xx) or 0 for a network
/// failure after retries. The message names the method and never contains the bot token.
/// </summary>
public sealed class TelegramApiException(string method, int errorCode, string description)
    : Exception($"Telegram {method} failed: " + (errorCode == 0 ? description : $"{errorCode} {description}"))
{
    /// <summary>The Bot API method, e.g. sendMessage.</summary>
    public string Method { get; } = method;

    /// <summary>HTTP/Telegram error code; 0 when the server could not be reached.</summary>
    public int ErrorCode { get; } = errorCode;

    /// <summary>Telegram's description (redacted).</summary>
    public string Description { get; } = description;

    /// <summary>True for a network failure (no answer from the server).</summary>
    public bool IsNetworkError => ErrorCode == 0;

    /// <summary>True when the bot was blocked or removed from the chat (403).</summary>
    public bool IsForbidden => ErrorCode == 403;
}
