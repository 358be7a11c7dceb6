using AiTradingBot.Core.Ports;
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
/// services, so they only edit schedules. When the live-state store (Redis) is down at start the host still runs and
/// the scheduler starts as soon as the store answers.
/// </summary>
internal sealed class ReportSchedulingService(
    IServiceProvider services,
    SchedulerStorage storage,
    HangfireReportScheduler reports,
    IOptions<SchedulingOptions> options,
    ILogger<ReportSchedulingService> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _retry = Task.CompletedTask;
    private BackgroundJobServer? _server;

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await StartServerAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is LiveStateUnavailableException || DatabaseDown(e))
        {
            logger.LogError("Report scheduler not started yet: {Error} Retrying every 10 s.", DatabaseDown(e) ? $"PostgreSQL does not answer ({e.Message}); check ConnectionStrings:Postgres." : e.Message);
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
                await StartServerAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is LiveStateUnavailableException || DatabaseDown(e))
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

    // PostgreSQL (Hangfire's storage, the delivery ledger) not answering yet, as opposed to a server that answered with an
    // error (wrong password, schemas not installed), which still stops the start.
    private static bool DatabaseDown(Exception e) => e is Npgsql.NpgsqlException { IsTransient: true } or Npgsql.NpgsqlException and not Npgsql.PostgresException;

    private async Task StartServerAsync(CancellationToken cancellationToken)
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
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _retry.ConfigureAwait(false);
        if (_server is not { } server) return;
        // Lets a report being sent finish; another instance carries on with the shared schedules.
        server.SendStop();
        await server.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _server?.Dispose();
        _stopping.Dispose();
    }
}
