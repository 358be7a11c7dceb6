using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AiTradingBot.Scheduling.Migrations;

/// <summary>
/// Creates and upgrades the scheduler's tables in schema <c>quartz</c> on PostgreSQL: pending
/// <see cref="QuartzMigration"/>s run in one transaction under a transaction-scoped advisory lock (so two instances
/// starting together, or the <c>migrate</c> verb beside a running host, apply each version exactly once; it also works
/// through PgBouncer) and are recorded in <c>quartz.schema_migrations</c>.
/// </summary>
public sealed class QuartzSchemaMigrator
{
    /// <summary>The advisory lock key ("ATBQRTZ1"); distinct from the storage migrator's.</summary>
    internal const long AdvisoryLockKey = 0x4154425152545A31;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<QuartzMigration> _migrations;

    /// <summary>A migrator for a PostgreSQL connection string.</summary>
    public QuartzSchemaMigrator(string connectionString, TimeProvider time, ILogger<QuartzSchemaMigrator>? logger = null)
        : this(connectionString, time, logger, null)
    {
    }

    /// <summary>A migrator with an explicit history (tests).</summary>
    internal QuartzSchemaMigrator(string connectionString, TimeProvider time, ILogger? logger, IReadOnlyList<QuartzMigration>? migrations)
    {
        _connectionString = connectionString;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _migrations = migrations ?? QuartzMigrations.All;
        for (var i = 0; i < _migrations.Count; i++)
        {
            if (_migrations[i].Version != i + 1) throw new InvalidOperationException($"Scheduler migration versions must run 1..N without gaps; found {_migrations[i].Version} at position {i + 1}.");
        }
    }

    /// <summary>The newest version this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>Applies every pending migration; a no-op when the schema is current.</summary>
    public async Task<QuartzMigrationResult> MigrateAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(_connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        // Released at commit or rollback: nothing is left on a pooled connection.
        await ExecuteAsync(conn, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct).ConfigureAwait(false);
        await ExecuteAsync(conn, tx, """
            CREATE SCHEMA IF NOT EXISTS quartz;
            CREATE TABLE IF NOT EXISTS quartz.schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL
            );
            """, ct).ConfigureAwait(false);

        var recorded = new Dictionary<int, string>();
        await using (var cmd = new NpgsqlCommand("SELECT version, checksum FROM quartz.schema_migrations", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) recorded[reader.GetInt32(0)] = reader.GetString(1);
        }
        foreach (var (version, checksum) in recorded.OrderBy(r => r.Key))
        {
            // Fail closed: a schema from a newer build, or an applied migration edited since, needs a person.
            if (version > LatestVersion)
                throw new InvalidOperationException($"The scheduler schema is at version {version}, newer than this build's {LatestVersion}. Upgrade AiTradingBot.");
            if (_migrations[version - 1].Checksum != checksum)
                throw new InvalidOperationException($"Scheduler migration {version} ({_migrations[version - 1].Name}) differs from the one applied. Applied migrations must never change.");
        }

        var applied = new List<int>();
        foreach (var migration in _migrations.Where(m => !recorded.ContainsKey(m.Version)))
        {
            await ExecuteAsync(conn, tx, migration.Sql, ct).ConfigureAwait(false);
            await using var insert = new NpgsqlCommand("INSERT INTO quartz.schema_migrations (version, name, checksum, applied_at) VALUES (@v, @n, @c, @a)", conn, tx);
            insert.Parameters.AddWithValue("v", migration.Version);
            insert.Parameters.AddWithValue("n", migration.Name);
            insert.Parameters.AddWithValue("c", migration.Checksum);
            insert.Parameters.AddWithValue("a", _time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            applied.Add(migration.Version);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);

        var current = recorded.Keys.Concat(applied).DefaultIfEmpty(0).Max();
        if (applied.Count > 0) _logger.LogInformation("Scheduler schema: applied migrations {Versions}; version {Version}", string.Join(", ", applied), current);
        else _logger.LogDebug("Scheduler schema: version {Version} is current", current);
        return new QuartzMigrationResult(applied, current);
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 300 };
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
