using Xunit;
using AiTradingBot.Storage.Migrations;
using AiTradingBot.Storage.Model;
using AiTradingBot.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AiTradingBot.Storage.Tests.Support;

/// <summary>
/// A fresh, empty database for one test, and the stores on it: a new PostgreSQL database on the server from
/// ATB_TEST_POSTGRES (dropped afterwards), or a SQLite file in a new temp directory.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _drop;
    private readonly List<StorageDatabase> _handles = [];

    private TestDatabase(StorageTarget target, Func<ValueTask> drop, TimeProvider time)
    {
        Target = target;
        _drop = drop;
        Time = time;
        Database = NewHandle();
        Contexts = Database.CreateContextFactory();
        Migrator = new DatabaseMigrator(Database, time);
        var ready = new StorageReadiness(Migrator, Options.Create(new StorageOptions { MigrateOnStart = true }));
        Fills = new DatabaseFillStore(Database, ready, Contexts, time);
        Audit = new DatabaseAuditLog(ready, Contexts);
        Orders = new DatabaseOrderJournal(ready, Contexts, time);
        Halts = new DatabaseHaltLog(ready, Contexts);
    }

    /// <summary>The trading halt log (migrates on first use).</summary>
    public DatabaseHaltLog Halts { get; }

    /// <summary>A halt log of a second instance (its own pool, its own readiness).</summary>
    public DatabaseHaltLog NewHaltLog()
    {
        var handle = NewHandle();
        return new DatabaseHaltLog(new StorageReadiness(new DatabaseMigrator(handle, Time), Options.Create(new StorageOptions())), handle.CreateContextFactory());
    }

    /// <summary>The database under test.</summary>
    public StorageTarget Target { get; }

    /// <summary>The clock the stores use.</summary>
    public TimeProvider Time { get; }

    /// <summary>The main handle (connection pool).</summary>
    public StorageDatabase Database { get; }

    /// <summary>EF contexts on the main handle.</summary>
    internal IDbContextFactory<TradingDbContext> Contexts { get; }

    /// <summary>The migrator on the main handle.</summary>
    public DatabaseMigrator Migrator { get; }

    /// <summary>The fill store (migrates on first use).</summary>
    public DatabaseFillStore Fills { get; }

    /// <summary>The audit log (migrates on first use).</summary>
    public DatabaseAuditLog Audit { get; }

    /// <summary>The order journal (migrates on first use).</summary>
    public DatabaseOrderJournal Orders { get; }

    /// <summary>True on PostgreSQL.</summary>
    public bool IsPostgres => Target.Provider == StorageProvider.PostgreSql;

    /// <summary>Another independent handle on the same database, as a second instance of the host would have.</summary>
    public StorageDatabase NewHandle()
    {
        var handle = new StorageDatabase(Target);
        _handles.Add(handle);
        return handle;
    }

    /// <summary>A fill store of a second instance (its own pool, its own readiness).</summary>
    public DatabaseFillStore NewFillStore(AiTradingBot.Core.Audit.SecretRedactor? redactor = null)
    {
        var handle = NewHandle();
        var migrator = new DatabaseMigrator(handle, Time);
        return new DatabaseFillStore(handle, new StorageReadiness(migrator, Options.Create(new StorageOptions())), handle.CreateContextFactory(), Time, redactor);
    }

    /// <summary>Runs a SQL statement on the database (table names are written without the schema: the search path has it).</summary>
    public async Task<int> ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var db = await Contexts.CreateDbContextAsync(ct);
        if (IsPostgres) sql = "SET LOCAL search_path TO trading; " + sql;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var n = await db.Database.ExecuteSqlRawAsync(sql, ct);
        await tx.CommitAsync(ct);
        return n;
    }

    /// <summary>One scalar from a SQL query (same search path rule as <see cref="ExecuteAsync"/>).</summary>
    public async Task<T> ScalarAsync<T>(string sql, CancellationToken ct)
    {
        await using var db = await Contexts.CreateDbContextAsync(ct);
        var conn = db.Database.GetDbConnection();
        await conn.OpenAsync(ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = IsPostgres ? "SET search_path TO trading; " + sql : sql;
        var value = await cmd.ExecuteScalarAsync(ct);
        return (T)Convert.ChangeType(value!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A new database on the test PostgreSQL server, or a skip/fail when there is none.</summary>
    public static async Task<TestDatabase> PostgresAsync(TimeProvider? time = null)
    {
        var admin = Integration.Require("ATB_TEST_POSTGRES", "PostgreSQL 15");
        var ct = TestContext.Current.CancellationToken;
        var name = "atb_" + Guid.NewGuid().ToString("N")[..16];
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        var target = StorageTarget.ForPostgres(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
        return new TestDatabase(target, async () =>
        {
            await using var conn = new NpgsqlConnection(admin);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
            await cmd.ExecuteNonQueryAsync();
        }, time ?? TimeProvider.System);
    }

    /// <summary>A new SQLite file in a fresh temp directory (removed afterwards).</summary>
    public static Task<TestDatabase> SqliteAsync(TimeProvider? time = null)
    {
        var dir = Path.Combine(Path.GetTempPath(), "atb-store-" + Guid.NewGuid().ToString("N")[..12]);
        var target = StorageTarget.ForSqlite(Path.Combine(dir, "test.db"));
        return Task.FromResult(new TestDatabase(target, () =>
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
            return ValueTask.CompletedTask;
        }, time ?? TimeProvider.System));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var h in _handles) await h.DisposeAsync();
        await _drop();
    }
}
