namespace AiTradingBot.Telegram.Api;

/// <summary>A message (only the fields the bot reads).</summary>
public sealed record TelegramMessage
{
    /// <summary>Id within its chat.</summary>
    public long MessageId { get; init; }

    /// <summary>Sender; absent for channel posts.</summary>
    public TelegramUser? From { get; init; }

    /// <summary>The chat it belongs to.</summary>
    public TelegramChat? Chat { get; init; }

    /// <summary>Unix time in seconds.</summary>
    public long Date { get; init; }

    /// <summary>Text of a text message.</summary>
    public string? Text { get; init; }
}
