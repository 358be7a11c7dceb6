using AiTradingBot.Core.Notifications;

namespace AiTradingBot.Telegram;

/// <summary>The Telegram channel (<c>Telegram:</c>). The adapter is enabled when <see cref="BotToken"/> is set.</summary>
public sealed class TelegramOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Telegram";

    /// <summary>Bot token from BotFather (<c>123456:ABC…</c>). A secret: never logged.</summary>
    public string? BotToken { get; set; }

    /// <summary>Telegram USER ids with full rights (gated actions after confirmation).</summary>
    public List<long> AdminIds { get; set; } = [];

    /// <summary>Telegram USER ids with read-only rights.</summary>
    public List<long> ViewerIds { get; set; } = [];

    /// <summary>polling (default) or webhook.</summary>
    public TelegramMode Mode { get; set; } = TelegramMode.Polling;

    /// <summary>Bot API server; a local Bot API server or an emulator in tests.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    /// <summary>Public HTTPS URL Telegram posts updates to (webhook mode), e.g. https://bot.example.com/telegram/webhook.</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (webhook mode): 1-256 of A-Z a-z 0-9 _ -.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Local path of the webhook endpoint.</summary>
    public string WebhookPath { get; set; } = "/telegram/webhook";

    /// <summary>Logs with more lines than this are sent as a document (a preview stays in the message).</summary>
    public int LogDocumentThresholdLines { get; set; } = 60;

    /// <summary>Per-kind override of notification delivery: On, Silent or Off (default On).</summary>
    public Dictionary<NotificationKind, NotificationLevel> Notifications { get; set; } = [];

    /// <summary>Long-poll timeout passed to getUpdates, in seconds.</summary>
    public int PollTimeoutSeconds { get; set; } = 25;

    /// <summary>Pause after an empty getUpdates that returned at once (servers that do not hold the request).</summary>
    public TimeSpan PollIdleDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long the poll lease lasts; it is renewed at a third of this.</summary>
    public TimeSpan PollLeaseTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages older than this when they arrive are acknowledged and reported, never executed.</summary>
    public TimeSpan MaxUpdateAge { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most messages per second to one chat (Telegram allows about 1); 0 disables pacing per chat.</summary>
    public double MaxMessagesPerSecondPerChat { get; set; } = 1;

    /// <summary>Most messages per second overall (Telegram allows about 30); 0 disables global pacing.</summary>
    public int MaxMessagesPerSecond { get; set; } = 30;

    /// <summary>How many chats are handled at the same time (messages of one chat are always handled in order).</summary>
    public int MaxConcurrentChats { get; set; } = 8;

    /// <summary>
    /// Retries of a request after a 429, a 5xx or a refused connection; reads and edits also after a timeout, while a
    /// new message that timed out is never sent again (it may have arrived).
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff after a network error; doubled on each retry.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest retry_after a 429 is waited for; a longer one fails the request.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Timeout of one request (getUpdates adds its long-poll timeout).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Notifications waiting to be sent; the oldest is dropped when full so Telegram never blocks the host.</summary>
    public int NotificationQueueCapacity { get; set; } = 1000;

    /// <summary>Registers the command menu (setMyCommands) at start.</summary>
    public bool SetCommands { get; set; } = true;

    /// <summary>The numeric bot id: the part of the token before the colon (not secret).</summary>
    public string BotId => BotToken is { } t && t.IndexOf(':') is > 0 and var i ? t[..i] : "unknown";

    /// <summary>The role of a Telegram user id: admin, viewer or none.</summary>
    public Core.Assistant.UserRole RoleOf(long userId) =>
        AdminIds.Contains(userId) ? Core.Assistant.UserRole.Admin
        : ViewerIds.Contains(userId) ? Core.Assistant.UserRole.Viewer
        : Core.Assistant.UserRole.None;

    /// <summary>Never prints the token.</summary>
    public override string ToString() => $"Telegram(mode={Mode}, bot={BotId}, admins={AdminIds.Count}, viewers={ViewerIds.Count}, api={ApiBaseUrl})";
}
