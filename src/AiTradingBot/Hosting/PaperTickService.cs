using AiTradingBot.Core.Ports;
using AiTradingBot.Paper;

namespace AiTradingBot.Hosting;

/// <summary>Evaluates paper resting orders, triggers and TP/SL every few seconds while the service runs.</summary>
public sealed class PaperTickService(IExchange exchange, ILogger<PaperTickService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (exchange is not PaperExchange paper) return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try { await paper.TickAsync(stoppingToken).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException) { logger.LogWarning(e, "Paper tick failed"); }
        }
    }
}
