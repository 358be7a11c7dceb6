using AiTradingBot.Storage.Migrations;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Storage;

/// <summary>
/// Makes sure the database answers and, when <c>Storage:MigrateOnStart</c> is on, that the schema is migrated, once per
/// process before a store touches it, whether or not the host ran its hosted services (the <c>ask</c> verb may not).
/// A failed run is retried by the next caller rather than remembered, except while <c>run</c> retries in the
/// background (<see cref="RetryingInBackground"/>): then callers get the last <see cref="StorageUnavailableException"/>
/// at once instead of each waiting for a connection timeout.
/// </summary>
public sealed class StorageReadiness(DatabaseMigrator migrator, IOptions<StorageOptions> options)
{
    private readonly StorageDatabase database = migrator.Database;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;
    private volatile StorageUnavailableException? _down;

    /// <summary>True once the database answered (and was migrated when configured to be).</summary>
    public bool IsReady => _ready;

    /// <summary>Set by <c>run</c> while its background loop retries; makes <see cref="EnsureAsync"/> fail fast.</summary>
    internal bool RetryingInBackground { get; set; }

    /// <summary>Returns at once when ready; otherwise initializes now (or, while <c>run</c> retries in the background, throws its last error).</summary>
    /// <exception cref="StorageUnavailableException">PostgreSQL does not answer.</exception>
    public Task EnsureAsync(CancellationToken ct)
    {
        if (_ready) return Task.CompletedTask;
        if (RetryingInBackground && _down is { } down) return Task.FromException(down);
        return TryNowAsync(ct);
    }

    /// <summary>Initializes now unless already ready: opens a connection, or migrates when <c>Storage:MigrateOnStart</c>.</summary>
    /// <exception cref="StorageUnavailableException">PostgreSQL does not answer (other failures are thrown as they are).</exception>
    public async Task TryNowAsync(CancellationToken ct)
    {
        if (_ready) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (_ready) return;
            try
            {
                if (options.Value.MigrateOnStart) await migrator.MigrateAsync(ct);
                else if (database.IsPostgres) await using (await database.DataSource.OpenConnectionAsync(ct)) { }
            }
            catch (Exception e) when (database.IsPostgres && e is not OperationCanceledException && StorageUnavailableException.IsTransient(e))
            {
                throw _down = e as StorageUnavailableException ?? StorageUnavailableException.For(database.Target, e);
            }
            _down = null;
            _ready = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
