using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Core.Risk;

namespace AiTradingBot.Hosting.Observability;

/// <summary>
/// Feeds the two gauges from cached values refreshed every 15 s, so a scrape never waits on Docker or the halt log.
/// </summary>
internal sealed class GaugeSources(TradingHalt halt, IContainerRuntime runtime, SystemRegistry systems, ILogger<GaugeSources> logger) : BackgroundService
{
    private volatile object? _halted;
    private volatile object? _running;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        AiTradingBotTelemetry.ObserveGauges(() => _halted as bool?, () => _running as int?);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(15));
        do
        {
            try
            {
                _halted = await halt.IsHaltedAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _halted = null;
                logger.LogDebug("Halt state unavailable for the gauge: {Error}", e.Message);
            }
            var count = 0;
            foreach (var system in systems.Systems)
            {
                try
                {
                    var info = await runtime.InspectAsync(system.Container, stoppingToken).ConfigureAwait(false);
                    if (string.Equals(info.State, "running", StringComparison.OrdinalIgnoreCase)) count++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missing container or an unreachable host counts as not running.
                    logger.LogDebug("Container state of {System} unavailable for the gauge: {Error}", system.Name, e.Message);
                }
            }
            _running = count;
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
