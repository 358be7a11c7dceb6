using AiTradingBot.Core.Notifications;

namespace AiTradingBot.Core.Ports;

/// <summary>A channel that can deliver notifications (Telegram, console). The hub isolates a failing channel.</summary>
public interface INotificationChannel
{
    /// <summary>Channel name for logs.</summary>
    string Name { get; }

    /// <summary>Delivers a notification.</summary>
    Task SendAsync(Notification notification, CancellationToken ct);
}
