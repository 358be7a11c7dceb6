using AiTradingBot.Scheduling.Migrations;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Scheduling.Infrastructure;

/// <summary>
/// The container's Hangfire storage, made on first use and never through Hangfire's process-wide
/// <c>JobStorage.Current</c> (several hosts may share a process): PostgreSQL (schema <c>hangfire</c>, shared by every
/// instance) when <c>ConnectionStrings:Postgres</c> is set, after checking that <c>migrate</c> installed it; else
/// Hangfire.InMemory, private to this process.
/// </summary>
internal sealed class SchedulerStorage(
    IServiceProvider services,
    IOptions<SchedulingOptions> options,
    ILoggerFactory loggerFactory,
    string? postgresConnectionString) : IDisposable
{
    private static readonly Lock ConfigureGate = new();
    private static bool _configured;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private JobStorage? _storage;
    private IDisposable? _logs;

    /// <summary>True for the shared PostgreSQL storage.</summary>
    public bool IsPostgres => !string.IsNullOrWhiteSpace(postgresConnectionString);

    /// <summary>For logs and banners, without the connection string.</summary>
    public string Description => IsPostgres ? "Hangfire on PostgreSQL (schema hangfire, shared by every instance)" : "Hangfire in memory (schedules restored from the live-state store)";

    /// <summary>The storage, checked (PostgreSQL) and created on first call.</summary>
    public async Task<JobStorage> GetAsync(CancellationToken ct)
    {
        if (_storage is { } ready) return ready;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_storage is not null) return _storage;
            ConfigureProcessOnce();
            _logs ??= HangfireLogBridge.Attach(loggerFactory);
            if (IsPostgres)
            {
                // Fail fast with a message that says what to do; nothing here installs a schema.
                await services.GetRequiredService<SchedulerSchemaMigrator>().VerifyAsync(ct).ConfigureAwait(false);
                var pg = new PostgreSqlStorageOptions
                {
                    SchemaName = SchedulerMigrations.HangfireSchema,
                    PrepareSchemaIfNecessary = false,
                    // LISTEN/NOTIFY needs a session: PgBouncer's transaction pooling hands it to another client.
                    EnableLongPolling = false,
                    QueuePollInterval = options.Value.QueuePollInterval,
                    DistributedLockTimeout = options.Value.DistributedLockTimeout,
                    InvisibilityTimeout = options.Value.InvisibilityTimeout,
                    // No degraded mode: a database that is down stops the start.
                    StartupConnectionMaxRetries = 0,
                    AllowDegradedModeWithoutStorage = false,
                };
                _storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(postgresConnectionString!, pg), pg);
            }
            else
            {
                _storage = new InMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Guid });
            }
            return _storage;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Process-wide Hangfire settings, set once: simple assembly names in stored job types (no version, so any build
    /// can run another's jobs) and the 1.8 payload format. Idempotent, so several hosts in a process agree.
    /// </summary>
    private static void ConfigureProcessOnce()
    {
        lock (ConfigureGate)
        {
            if (_configured) return;
            GlobalConfiguration.Configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            _configured = true;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        (_storage as IDisposable)?.Dispose();
        _logs?.Dispose();
        _gate.Dispose();
    }
}
