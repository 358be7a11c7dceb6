namespace AiTradingBot.Telegram.Api;

/// <summary>One inline button that sends callback data back to the bot.</summary>
public sealed record InlineKeyboardButton(string Text, string CallbackData);
