using AiTradingBot.Storage.Migrations;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Storage;

/// <summary>
/// Makes sure the schema is migrated once per process before a store touches it, when <c>Storage:MigrateOnStart</c>
/// is on, whether or not the host ran its hosted services (the <c>ask</c> verb may not). A failed run is retried
/// by the next caller rather than remembered.
/// </summary>
public sealed class StorageReadiness(DatabaseMigrator migrator, IOptions<StorageOptions> options)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    /// <summary>Migrates once if configured to; returns at once afterwards.</summary>
    public async Task EnsureAsync(CancellationToken ct)
    {
        if (_ready || !options.Value.MigrateOnStart) return;
        await _gate.WaitAsync(ct);
        try
        {
            if (_ready) return;
            await migrator.MigrateAsync(ct);
            _ready = true;
        }
        finally
        {
            _gate.Release();
        }
    }
}
