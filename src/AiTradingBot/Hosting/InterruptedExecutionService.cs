using AiTradingBot.Core.Audit;

namespace AiTradingBot.Hosting;

/// <summary>At start of <c>run</c>: tells the admins about confirmed plans a previous process left mid-execution.</summary>
public sealed class InterruptedExecutionService(InterruptedExecutions interrupted, ILogger<InterruptedExecutionService> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            foreach (var row in await interrupted.ReportAsync(stoppingToken).ConfigureAwait(false))
                logger.LogWarning("Confirmed plan {ConfirmationId} started at {Time} was never completed", row.ConfirmationId, row.Time);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Could not check the audit for interrupted plans");
        }
    }
}
