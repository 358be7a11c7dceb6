namespace AiTradingBot.Core.Notifications;

/// <summary>Kinds of unsolicited message; each is configured on, silent or off (<c>Notifications:&lt;Kind&gt;</c>).</summary>
public enum NotificationKind { Fill, RiskDenial, ContainerDied, ContainerRestarted, LossLimitTripped, Killswitch, Report, System }

/// <summary>How a notification is delivered.</summary>
public enum NotificationLevel { On, Silent, Off }

/// <summary>
/// An unsolicited message to operators. <see cref="Html"/> is Telegram-safe HTML (all dynamic text escaped);
/// <see cref="Text"/> is the same content as plain text. <see cref="ChatId"/> targets one chat; null means every admin.
/// </summary>
public sealed record Notification(NotificationKind Kind, string Text, string Html, string? ChatId = null)
{
    /// <summary>Deliver without sound (set by the hub from configuration).</summary>
    public bool Silent { get; init; }

    /// <summary>A picture sent after the text (a report's chart), or null; channels without pictures ignore it.</summary>
    public NotificationPhoto? Photo { get; init; }
}

/// <summary>A PNG with its one-line plain-text caption.</summary>
public sealed record NotificationPhoto(byte[] Png, string Caption);
