using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Telemetry;

namespace AiTradingBot.Hosting;

/// <summary>
/// Notices a trading container that died or restarted when nobody asked it to (the assistant marks its own
/// stops and restarts), and notifies the operators.
/// </summary>
public sealed class ContainerWatchService(
    IContainerRuntime runtime, SystemRegistry systems, IKeyValueStore store, NotificationHub notifications, IConfiguration configuration, ILogger<ContainerWatchService> logger) : BackgroundService
{
    private readonly Dictionary<string, ContainerInfo> _last = [];

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(Math.Max(5, configuration.GetValue("Assistant:WatchIntervalSeconds", 30)));
        using var timer = new PeriodicTimer(interval);
        do
        {
            foreach (var s in systems.TradingSystems)
            {
                try { await CheckAsync(s, stoppingToken).ConfigureAwait(false); }
                catch (ContainerRuntimeException e) { logger.LogDebug(e, "Watch of {System} failed", s.Name); }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    // While the live-state store (Redis) is down nothing can be confirmed, so no stop or restart was expected.
    private async Task<bool> ExpectedAsync(string container, CancellationToken ct)
    {
        try
        {
            return await store.GetAsync($"watch:expected:{container}", ct).ConfigureAwait(false) is not null;
        }
        catch (LiveStateUnavailableException)
        {
            return false;
        }
    }

    private async Task CheckAsync(SystemDefinition s, CancellationToken ct)
    {
        var now = await runtime.InspectAsync(s.Container, ct).ConfigureAwait(false);
        if (_last.TryGetValue(s.Container, out var before))
        {
            var expected = await ExpectedAsync(s.Container, ct).ConfigureAwait(false);
            if (!expected && before.Running && !now.Running)
                await NotifyAsync(NotificationKind.ContainerDied, $"🔴 {s.Name} ({s.Container}) stopped unexpectedly (exit code {now.ExitCode?.ToString() ?? "?"}). Check /intel {s.Name}.", ct).ConfigureAwait(false);
            else if (!expected && now.Running && (now.RestartCount > before.RestartCount || (before.StartedAt is { } b && now.StartedAt is { } n && n > b)))
            {
                AiTradingBotTelemetry.ContainerRestarts.Add(1, new KeyValuePair<string, object?>("system", s.Name));
                await NotifyAsync(NotificationKind.ContainerRestarted, $"🟠 {s.Name} ({s.Container}) restarted unexpectedly (restarts: {now.RestartCount}). Check /intel {s.Name}.", ct).ConfigureAwait(false);
            }
        }
        _last[s.Container] = now;
    }

    private Task NotifyAsync(NotificationKind kind, string text, CancellationToken ct) =>
        notifications.PublishAsync(new Notification(kind, text, HtmlMarkup.Instance.Escape(text)), ct);
}
