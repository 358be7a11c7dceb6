namespace AiTradingBot.Telegram.Updates;

/// <summary>The bot's own username once getMe answered (to accept <c>/cmd@ThisBot</c> and ignore other bots' commands).</summary>
public sealed class TelegramBotIdentity
{
    /// <summary>Username without @, or null until known.</summary>
    public string? Username { get; set; }
}
