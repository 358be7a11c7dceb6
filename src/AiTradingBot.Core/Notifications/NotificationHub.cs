using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Notifications;

/// <summary>Per-kind delivery levels (<c>Notifications:&lt;Kind&gt;</c> = On | Silent | Off).</summary>
public sealed class NotificationOptions
{
    /// <summary>Levels by kind; kinds not listed are On.</summary>
    public Dictionary<NotificationKind, NotificationLevel> Levels { get; set; } = [];
}

/// <summary>Fans every notification out to all channels (Freqtrade's RPC manager); a failing channel is isolated.</summary>
public sealed class NotificationHub(IEnumerable<INotificationChannel> channels, IOptions<NotificationOptions> options, ILogger<NotificationHub> logger)
{
    private readonly INotificationChannel[] _channels = channels.ToArray();

    /// <summary>Delivers to every channel according to the kind's level.</summary>
    public async Task PublishAsync(Notification notification, CancellationToken ct)
    {
        var level = options.Value.Levels.GetValueOrDefault(notification.Kind, NotificationLevel.On);
        if (level == NotificationLevel.Off || _channels.Length == 0) return;
        var n = notification with { Silent = level == NotificationLevel.Silent };
        foreach (var channel in _channels)
        {
            try
            {
                await channel.SendAsync(n, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Notification {Kind} could not be delivered through {Channel}", n.Kind, channel.Name);
            }
        }
    }
}
