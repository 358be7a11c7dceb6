namespace AiTradingBot.Telegram.Api;

/// <summary>A chat: private (id = the user's id), group, supergroup or channel.</summary>
public sealed record TelegramChat
{
    /// <summary>Chat id (negative for groups).</summary>
    public long Id { get; init; }

    /// <summary>private, group, supergroup or channel.</summary>
    public string? Type { get; init; }
}
