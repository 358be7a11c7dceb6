using System.Globalization;
using System.Text.RegularExpressions;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AiTradingBot.Scheduling.Migrations;

/// <summary>
/// Installs and upgrades the scheduler's PostgreSQL schemas: Hangfire's storage (schema <c>hangfire</c>, by
/// Hangfire.PostgreSql's own versioned scripts) and ours (schema <c>scheduling</c>, <see cref="SchedulerMigration"/>s
/// recorded in <c>scheduling.schema_migrations</c>). Only the <c>migrate</c> verb runs it, over a direct connection:
/// it holds a session advisory lock for the whole run (so two runs at once apply each version exactly once), which a
/// transaction-pooling PgBouncer would hand to another client. <c>run</c> only checks with <see cref="VerifyAsync"/>.
/// </summary>
public sealed partial class SchedulerSchemaMigrator
{
    /// <summary>The advisory lock key ("ATBHGFR1"); distinct from the storage migrator's.</summary>
    internal const long AdvisoryLockKey = 0x4154424847465231;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<SchedulerMigration> _migrations;

    /// <summary>A migrator for a PostgreSQL connection string (direct, not through PgBouncer).</summary>
    public SchedulerSchemaMigrator(string connectionString, TimeProvider time, ILogger<SchedulerSchemaMigrator>? logger = null)
        : this(connectionString, time, logger, null)
    {
    }

    /// <summary>A migrator with an explicit history (tests).</summary>
    internal SchedulerSchemaMigrator(string connectionString, TimeProvider time, ILogger? logger, IReadOnlyList<SchedulerMigration>? migrations)
    {
        _connectionString = connectionString;
        _time = time;
        _logger = logger ?? NullLogger.Instance;
        _migrations = migrations ?? SchedulerMigrations.All;
        for (var i = 0; i < _migrations.Count; i++)
        {
            if (_migrations[i].Version != i + 1) throw new InvalidOperationException($"Scheduler migration versions must run 1..N without gaps; found {_migrations[i].Version} at position {i + 1}.");
        }
    }

    /// <summary>The newest version of our tables this build knows.</summary>
    public int LatestVersion => _migrations.Count == 0 ? 0 : _migrations[^1].Version;

    /// <summary>The Hangfire storage schema version this build's Hangfire.PostgreSql installs (its newest script).</summary>
    public static int HangfireSchemaVersion { get; } = typeof(PostgreSqlStorage).Assembly.GetManifestResourceNames()
        .Select(n => InstallScript().Match(n)).Where(m => m.Success)
        .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();

    /// <summary>Installs Hangfire's schema and applies every pending migration of ours; a no-op when both are current.</summary>
    public async Task<SchedulerMigrationResult> MigrateAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(_connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(conn, null, $"SELECT pg_advisory_lock({AdvisoryLockKey})", ct).ConfigureAwait(false);
        try
        {
            var before = await HangfireVersionAsync(conn, ct).ConfigureAwait(false);
            if (before > HangfireSchemaVersion)
                throw new InvalidOperationException($"The Hangfire schema is at version {before}, newer than this build's {HangfireSchemaVersion}. Upgrade AiTradingBot.");
            // Hangfire.PostgreSql's installer: each script in its own serializable transaction, skipped when applied.
            if (before < HangfireSchemaVersion) PostgreSqlObjectsInstaller.Install(conn, SchedulerMigrations.HangfireSchema);
            var hangfire = await HangfireVersionAsync(conn, ct).ConfigureAwait(false);
            var (applied, current) = await MigrateOwnAsync(conn, ct).ConfigureAwait(false);
            if (before != hangfire || applied.Count > 0)
                _logger.LogInformation("Scheduler schema: Hangfire {Before} → {Hangfire}; applied {Versions}; version {Version}", before, hangfire, string.Join(", ", applied), current);
            return new SchedulerMigrationResult(before, hangfire, applied, current);
        }
        finally
        {
            await ExecuteAsync(conn, null, $"SELECT pg_advisory_unlock({AdvisoryLockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fails with a message a person can act on unless both schemas are installed and current; <c>run</c> (and any verb
    /// using the PostgreSQL scheduler) calls this instead of installing anything.
    /// </summary>
    public async Task VerifyAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(_connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        var hangfire = await HangfireVersionAsync(conn, ct).ConfigureAwait(false);
        var own = await OwnVersionAsync(conn, null, ct).ConfigureAwait(false);
        const string Fix = "Run `aitradingbot migrate` first, over a direct connection to PostgreSQL (ConnectionStrings:PostgresDirect, not through PgBouncer).";
        if (hangfire == 0 || own == 0)
            throw new InvalidOperationException($"The scheduler's PostgreSQL schemas (hangfire, scheduling) are not installed in this database. {Fix}");
        if (hangfire < HangfireSchemaVersion || own < LatestVersion)
            throw new InvalidOperationException($"The scheduler's PostgreSQL schemas are older than this build (hangfire {hangfire} of {HangfireSchemaVersion}, scheduling {own} of {LatestVersion}). {Fix}");
        if (hangfire > HangfireSchemaVersion || own > LatestVersion)
            throw new InvalidOperationException($"The scheduler's PostgreSQL schemas are newer than this build (hangfire {hangfire}, scheduling {own}). Upgrade AiTradingBot.");
    }

    private async Task<(List<int> Applied, int Current)> MigrateOwnAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct).ConfigureAwait(false);
        await ExecuteAsync(conn, tx, """
            CREATE SCHEMA IF NOT EXISTS scheduling;
            CREATE TABLE IF NOT EXISTS scheduling.schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL
            );
            """, ct).ConfigureAwait(false);

        var recorded = new Dictionary<int, string>();
        await using (var cmd = new NpgsqlCommand("SELECT version, checksum FROM scheduling.schema_migrations", conn, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) recorded[reader.GetInt32(0)] = reader.GetString(1);
        }
        foreach (var (version, checksum) in recorded.OrderBy(r => r.Key))
        {
            // Fail closed: a schema from a newer build, or an applied migration edited since, needs a person.
            if (version > LatestVersion)
                throw new InvalidOperationException($"The scheduling schema is at version {version}, newer than this build's {LatestVersion}. Upgrade AiTradingBot.");
            if (_migrations[version - 1].Checksum != checksum)
                throw new InvalidOperationException($"Scheduler migration {version} ({_migrations[version - 1].Name}) differs from the one applied. Applied migrations must never change.");
        }

        var applied = new List<int>();
        foreach (var migration in _migrations.Where(m => !recorded.ContainsKey(m.Version)))
        {
            await ExecuteAsync(conn, tx, migration.Sql, ct).ConfigureAwait(false);
            await using var insert = new NpgsqlCommand("INSERT INTO scheduling.schema_migrations (version, name, checksum, applied_at) VALUES (@v, @n, @c, @a)", conn, tx);
            insert.Parameters.AddWithValue("v", migration.Version);
            insert.Parameters.AddWithValue("n", migration.Name);
            insert.Parameters.AddWithValue("c", migration.Checksum);
            insert.Parameters.AddWithValue("a", _time.GetUtcNow());
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            applied.Add(migration.Version);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return (applied, recorded.Keys.Concat(applied).DefaultIfEmpty(0).Max());
    }

    /// <summary>Hangfire.PostgreSql's recorded version, 0 when its schema is missing.</summary>
    private static async Task<int> HangfireVersionAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass('hangfire.schema') IS NOT NULL", conn);
        if (!(bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return 0;
        await using var version = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM hangfire.schema", conn);
        return (int)(await version.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task<int> OwnVersionAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT to_regclass('scheduling.schema_migrations') IS NOT NULL", conn, tx);
        if (!(bool)(await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false))!) return 0;
        await using var version = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM scheduling.schema_migrations", conn, tx);
        return (int)(await version.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx) { CommandTimeout = 300 };
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^Hangfire\.PostgreSql\.Scripts\.Install\.v(\d+)\.sql$")]
    private static partial Regex InstallScript();
}
