namespace AiTradingBot.Telegram.Api;

/// <summary>Rows of inline buttons under a message.</summary>
public sealed record InlineKeyboardMarkup(IReadOnlyList<IReadOnlyList<InlineKeyboardButton>> InlineKeyboard)
{
    /// <summary>No buttons: removes a keyboard when a message is edited.</summary>
    public static InlineKeyboardMarkup Empty { get; } = new([]);
}
