namespace AiTradingBot.Telegram;

/// <summary>How updates reach the bot.</summary>
public enum TelegramMode
{
    /// <summary>Long polling with getUpdates (one instance holds the poll lease).</summary>
    Polling,
    /// <summary>Telegram posts updates to an HTTPS endpoint of the host.</summary>
    Webhook,
}
