namespace AiTradingBot.Telegram.Api;

/// <summary>A Telegram user or bot.</summary>
public sealed record TelegramUser
{
    /// <summary>User id: what authorization is keyed on.</summary>
    public long Id { get; init; }

    /// <summary>True for bots.</summary>
    public bool IsBot { get; init; }

    /// <summary>First name.</summary>
    public string? FirstName { get; init; }

    /// <summary>@username without the @, when set.</summary>
    public string? Username { get; init; }
}
