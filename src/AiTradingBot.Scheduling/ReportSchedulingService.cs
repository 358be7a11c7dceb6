using AiTradingBot.Core.Ports;
using AiTradingBot.Scheduling.Quartz;
using AiTradingBot.Scheduling.Reports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Scheduling;

/// <summary>
/// Runs the report scheduler in a long-running host (<c>run</c>): creates it (migrating its PostgreSQL schema when
/// configured), applies <c>Reports:Schedules</c>, queues reports missed while down (in-memory store; Quartz's misfire
/// handling does it on PostgreSQL), then starts firing. One-shot verbs never start hosted services, so they only edit
/// schedules.
/// </summary>
internal sealed class ReportSchedulingService(
    QuartzSchedulerFactory factory,
    QuartzReportScheduler reports,
    ILogger<ReportSchedulingService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _retry = Task.CompletedTask;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartSchedulerAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (LiveStateUnavailableException e)
        {
            // Chat schedules are kept in the shared live-state store (Redis): without it the host still runs, and the
            // scheduler starts as soon as the store answers.
            logger.LogError("Report scheduler not started yet: {Error} Retrying every 10 s.", e.Message);
            _retry = RetryStartAsync(_stopping.Token);
        }
    }

    private async Task RetryStartAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
                await StartSchedulerAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (LiveStateUnavailableException)
            {
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Report scheduler could not start");
                return;
            }
        }
    }

    private async Task StartSchedulerAsync(CancellationToken cancellationToken)
    {
        var scheduler = await reports.SchedulerAsync(cancellationToken).ConfigureAwait(false);
        await reports.ApplyConfiguredAsync(cancellationToken).ConfigureAwait(false);
        await reports.QueueMissedAsync(cancellationToken).ConfigureAwait(false);
        await scheduler.Start(cancellationToken).ConfigureAwait(false);
        var count = (await reports.ListAsync(null, cancellationToken).ConfigureAwait(false)).Count;
        logger.LogInformation("Report scheduler started: {Store}, instance {Instance}, {Count} schedule(s)", factory.Store.Description, scheduler.SchedulerInstanceId, count);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retry.ConfigureAwait(false);
        var scheduler = await factory.GetAsync(cancellationToken).ConfigureAwait(false);
        // Lets a report being sent finish; a clustered peer picks up the schedules.
        if (!scheduler.IsShutdown) await scheduler.Shutdown(waitForJobsToComplete: true, cancellationToken).ConfigureAwait(false);
    }
}
