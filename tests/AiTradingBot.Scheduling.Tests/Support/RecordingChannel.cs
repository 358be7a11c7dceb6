using System.Collections.Concurrent;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Scheduling.Tests.Support;

/// <summary>A notification channel that keeps what it was asked to deliver, with when (real time) and by which instance.</summary>
public sealed class RecordingChannel(string instance, ConcurrentQueue<RecordingChannel.Delivery>? shared = null) : INotificationChannel
{
    /// <summary>One delivered notification.</summary>
    public sealed record Delivery(string Instance, DateTimeOffset At, Notification Notification);

    /// <summary>Deliveries, possibly shared by several instances.</summary>
    public ConcurrentQueue<Delivery> Deliveries { get; } = shared ?? new();

    /// <inheritdoc />
    public string Name => $"recording:{instance}";

    /// <inheritdoc />
    public Task SendAsync(Notification notification, CancellationToken ct)
    {
        Deliveries.Enqueue(new Delivery(instance, DateTimeOffset.UtcNow, notification));
        return Task.CompletedTask;
    }
}
