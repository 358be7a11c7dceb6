using AiTradingBot.Scheduling.Infrastructure;
using AiTradingBot.Scheduling.Reports;
using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Scheduling;

/// <summary>
/// Runs the Hangfire server in a long-running host (<c>run</c>): opens the storage (on PostgreSQL, failing fast unless
/// <c>migrate</c> installed its schema), applies <c>Reports:Schedules</c>, queues reports missed while down (in memory;
/// Hangfire's misfire handling does it on PostgreSQL), then starts the server. One-shot verbs never start hosted
/// services, so they only edit schedules.
/// </summary>
internal sealed class ReportSchedulingService(
    IServiceProvider services,
    SchedulerStorage storage,
    HangfireReportScheduler reports,
    IOptions<SchedulingOptions> options,
    ILogger<ReportSchedulingService> logger) : IHostedService, IDisposable
{
    private BackgroundJobServer? _server;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var jobs = await reports.StorageAsync(cancellationToken).ConfigureAwait(false);
        await reports.ApplyConfiguredAsync(cancellationToken).ConfigureAwait(false);
        await reports.QueueMissedAsync(cancellationToken).ConfigureAwait(false);
        var o = options.Value;
        var server = new BackgroundJobServerOptions
        {
            WorkerCount = o.WorkerCount,
            Queues = [ReportJobKeys.Queue, "default"],
            SchedulePollingInterval = o.SchedulePollingInterval,
            Activator = new ServiceProviderJobActivator(services),
        };
        if (!string.Equals(o.InstanceId, "AUTO", StringComparison.OrdinalIgnoreCase)) server.ServerName = o.InstanceId;
        _server = new BackgroundJobServer(server, jobs);
        var count = (await reports.ListAsync(null, cancellationToken).ConfigureAwait(false)).Count;
        logger.LogInformation("Report scheduler started: {Store}, server {Server}, {Count} schedule(s)", storage.Description, server.ServerName, count);
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not { } server) return;
        // Lets a report being sent finish; another instance carries on with the shared schedules.
        server.SendStop();
        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose() => _server?.Dispose();
}
