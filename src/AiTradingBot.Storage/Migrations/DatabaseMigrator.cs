using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AiTradingBot.Storage.Migrations;

/// <summary>
/// Applies the provider's pending <see cref="Migration"/>s in one transaction, recording each in
/// <c>schema_migrations</c>. Concurrent runs are serialized (PostgreSQL: a transaction-scoped advisory lock, which
/// also works through PgBouncer; SQLite: <c>BEGIN IMMEDIATE</c>), so exactly one instance applies a version.
/// </summary>
public sealed class DatabaseMigrator
{
    /// <summary>The advisory lock key all instances take around a migration run ("ATBMIGR1").</summary>
    internal const long AdvisoryLockKey = 0x4154424D49475231;

    private static readonly TimeSpan LockWait = TimeSpan.FromMinutes(5);
    private readonly StorageDatabase _database;
    private readonly TimeProvider _time;
    private readonly ILogger<DatabaseMigrator> _logger;
    private readonly IReadOnlyList<Migration> _migrations;

    /// <summary>A migrator for the configured database.</summary>
    public DatabaseMigrator(StorageDatabase database, TimeProvider time, ILogger<DatabaseMigrator>? logger = null)
        : this(database, time, logger, null)
    {
    }

    /// <summary>A migrator with an explicit history (tests).</summary>
    internal DatabaseMigrator(StorageDatabase database, TimeProvider time, ILogger<DatabaseMigrator>? logger, IReadOnlyList<Migration>? migrations)
    {
        _database = database;
        _time = time;
        _logger = logger ?? NullLogger<DatabaseMigrator>.Instance;
        _migrations = migrations ?? (database.IsPostgres ? PostgresMigrations.All : SqliteMigrations.All);
        for (var i = 0; i < _migrations.Count; i++)
        {
            if (_migrations[i].Version != i + 1) throw new InvalidOperationException($"Migration versions must run 1..N without gaps; found {_migrations[i].Version} at position {i + 1}.");
        }
    }

    /// <summary>The database this migrates.</summary>
    internal StorageDatabase Database => _database;

    /// <summary>The newest version this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>Applies every pending migration; a no-op when the schema is current.</summary>
    public async Task<MigrationResult> MigrateAsync(CancellationToken ct)
    {
        var result = _database.IsPostgres ? await MigratePostgresAsync(ct) : await MigrateSqliteAsync(ct);
        if (result.Applied.Count > 0)
            _logger.LogInformation("Storage {Target}: applied migrations {Versions}; schema version {Version}", result.Target, string.Join(", ", result.Applied), result.CurrentVersion);
        else
            _logger.LogDebug("Storage {Target}: schema version {Version} is current", result.Target, result.CurrentVersion);
        return result;
    }

    private async Task<MigrationResult> MigratePostgresAsync(CancellationToken ct)
    {
        await using var conn = await _database.DataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Released at commit or rollback: no session state is left on a pooled (or PgBouncer) connection.
        await ExecuteAsync(conn, tx, $"SELECT pg_advisory_xact_lock({AdvisoryLockKey})", ct);
        await ExecuteAsync(conn, tx, """
            CREATE SCHEMA IF NOT EXISTS trading;
            CREATE TABLE IF NOT EXISTS trading.schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL
            );
            """, ct);
        var applied = await ApplyPendingAsync(conn, tx, "trading.schema_migrations", ct);
        await tx.CommitAsync(ct);
        return applied;
    }

    private async Task<MigrationResult> MigrateSqliteAsync(CancellationToken ct)
    {
        await using var conn = new SqliteConnection(_database.Target.ConnectionString);
        await conn.OpenAsync(ct);
        // WAL lets readers (a chat session) run while another process writes; it persists in the file.
        await ExecuteAsync(conn, null, "PRAGMA journal_mode=WAL;", ct);
        // BEGIN IMMEDIATE takes the write lock up front: a second migrator waits here (busy timeout), then sees our work.
        await using var tx = conn.BeginTransaction(deferred: false);
        await ExecuteAsync(conn, tx, """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            );
            """, ct);
        var applied = await ApplyPendingAsync(conn, tx, "schema_migrations", ct);
        await tx.CommitAsync(ct);
        return applied;
    }

    private async Task<MigrationResult> ApplyPendingAsync(DbConnection conn, DbTransaction tx, string table, CancellationToken ct)
    {
        var recorded = new Dictionary<int, string>();
        await using (var cmd = Command(conn, tx, $"SELECT version, checksum FROM {table}"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) recorded[reader.GetInt32(0)] = reader.GetString(1);
        }

        foreach (var (version, checksum) in recorded.OrderBy(r => r.Key))
        {
            // Fail closed: a database from a newer build, or a migration edited after it ran, needs a person.
            if (version > LatestVersion)
                throw new InvalidOperationException($"Storage {_database.Target.Description} has schema version {version}, newer than this build's {LatestVersion}. Upgrade AiTradingBot.");
            if (_migrations[version - 1].Checksum != checksum)
                throw new InvalidOperationException($"Storage {_database.Target.Description}: migration {version} ({_migrations[version - 1].Name}) differs from the one applied. Applied migrations must never change.");
        }

        var applied = new List<int>();
        foreach (var migration in _migrations.Where(m => !recorded.ContainsKey(m.Version)))
        {
            await ExecuteAsync(conn, tx, migration.Sql, ct);
            await using var insert = Command(conn, tx, $"INSERT INTO {table} (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, @applied_at)");
            AddParameter(insert, "version", migration.Version);
            AddParameter(insert, "name", migration.Name);
            AddParameter(insert, "checksum", migration.Checksum);
            var now = _time.GetUtcNow();
            AddParameter(insert, "applied_at", conn is SqliteConnection ? now.UtcTicks : now);
            await insert.ExecuteNonQueryAsync(ct);
            applied.Add(migration.Version);
        }
        var current = recorded.Keys.Concat(applied).DefaultIfEmpty(0).Max();
        return new MigrationResult(_database.Target.Description, applied, current);
    }

    private static async Task ExecuteAsync(DbConnection conn, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = Command(conn, tx, sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static DbCommand Command(DbConnection conn, DbTransaction? tx, string sql)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = (int)LockWait.TotalSeconds;
        return cmd;
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
