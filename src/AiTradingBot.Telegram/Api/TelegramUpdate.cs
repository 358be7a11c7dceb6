namespace AiTradingBot.Telegram.Api;

/// <summary>One incoming update; only the kinds the bot asks for are set. Unknown fields are ignored.</summary>
public sealed record TelegramUpdate
{
    /// <summary>Monotonic update id; the next getUpdates offset is the last id + 1.</summary>
    public long UpdateId { get; init; }

    /// <summary>A new message.</summary>
    public TelegramMessage? Message { get; init; }

    /// <summary>An inline-button press.</summary>
    public TelegramCallbackQuery? CallbackQuery { get; init; }
}
