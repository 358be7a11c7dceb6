namespace AiTradingBot.Telegram.Api;

/// <summary>A press of an inline button.</summary>
public sealed record TelegramCallbackQuery
{
    /// <summary>Id to answer with answerCallbackQuery.</summary>
    public string Id { get; init; } = "";

    /// <summary>Who pressed: authorization is by this user's id.</summary>
    public TelegramUser? From { get; init; }

    /// <summary>The message carrying the button.</summary>
    public TelegramMessage? Message { get; init; }

    /// <summary>The button's callback_data.</summary>
    public string? Data { get; init; }
}
