using System.Collections.Specialized;
using System.Globalization;
using AiTradingBot.Scheduling.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Quartz.Impl;

namespace AiTradingBot.Scheduling.Quartz;

/// <summary>
/// Creates the container's one Quartz scheduler on first use, in standby: the ADO.NET store clustered on PostgreSQL
/// (after applying the scheduler's migrations when <c>Scheduling:MigrateOnStart</c>) or the in-memory store.
/// Only the hosted service starts it, so one-shot verbs can add, list and remove schedules without firing anything.
/// </summary>
internal sealed class QuartzSchedulerFactory(
    IServiceProvider services,
    SchedulerStore store,
    IOptions<SchedulingOptions> options,
    ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IScheduler? _scheduler;
    private IDisposable? _logs;

    /// <summary>The store in use.</summary>
    public SchedulerStore Store => store;

    /// <summary>The scheduler, created (not started) on first call.</summary>
    public async Task<IScheduler> GetAsync(CancellationToken ct)
    {
        if (_scheduler is { } ready) return ready;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_scheduler is not null) return _scheduler;
            var o = options.Value;
            if (store.IsPostgres && o.MigrateOnStart)
                await services.GetRequiredService<QuartzSchemaMigrator>().MigrateAsync(ct).ConfigureAwait(false);
            _logs = QuartzLogBridge.Attach(loggerFactory);
            var scheduler = await new StdSchedulerFactory(Properties(o)).GetScheduler(ct).ConfigureAwait(false);
            // Quartz's process-wide repository hands an existing scheduler of the same name to the next factory; each
            // container (a host, or one instance of several in a test process) must own its own cluster member.
            SchedulerRepository.Instance.Remove(scheduler.SchedulerName, scheduler.SchedulerInstanceId);
            scheduler.JobFactory = new ServiceProviderJobFactory(services);
            _scheduler = scheduler;
            return scheduler;
        }
        finally
        {
            _gate.Release();
        }
    }

    private NameValueCollection Properties(SchedulingOptions o)
    {
        var p = new NameValueCollection
        {
            ["quartz.scheduler.instanceId"] = o.InstanceId,
            ["quartz.threadPool.maxConcurrency"] = o.ThreadCount.ToString(CultureInfo.InvariantCulture),
            ["quartz.serializer.type"] = typeof(StringJobDataSerializer).AssemblyQualifiedName,
        };
        if (store.IsPostgres)
        {
            // One cluster per scheduler name: every instance sharing the database and the name shares the jobs.
            p["quartz.scheduler.instanceName"] = o.SchedulerName;
            p["quartz.jobStore.type"] = "Quartz.Impl.AdoJobStore.JobStoreTX, Quartz";
            p["quartz.jobStore.driverDelegateType"] = "Quartz.Impl.AdoJobStore.PostgreSQLDelegate, Quartz";
            p["quartz.jobStore.tablePrefix"] = QuartzMigrations.TablePrefix;
            p["quartz.jobStore.dataSource"] = "main";
            p["quartz.dataSource.main.provider"] = "Npgsql";
            p["quartz.dataSource.main.connectionString"] = store.PostgresConnectionString;
            p["quartz.jobStore.useProperties"] = "true";
            p["quartz.jobStore.clustered"] = "true";
            p["quartz.jobStore.clusterCheckinInterval"] = ((long)o.ClusterCheckinInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            // A private name: in-memory schedulers of several containers in one process must not meet in Quartz's repository.
            p["quartz.scheduler.instanceName"] = $"{o.SchedulerName}-{Guid.NewGuid():N}";
            p["quartz.jobStore.type"] = "Quartz.Simpl.RAMJobStore, Quartz";
        }
        return p;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_scheduler is { IsShutdown: false } s) await s.Shutdown(waitForJobsToComplete: true).ConfigureAwait(false);
        _logs?.Dispose();
        _gate.Dispose();
    }
}
