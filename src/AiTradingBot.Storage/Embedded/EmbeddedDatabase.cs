using System.Text.Json;
using AiTradingBot.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Storage.Embedded;

/// <summary>
/// The embedded SQLite file (<c>Storage:DataDirectory</c>/aitradingbot.db) as the home of live state and the paper
/// account, shared by every process that uses the data folder: WAL (readers never wait for a writer), a busy timeout
/// (a writer waits for another process's write instead of failing), and each change in a <c>BEGIN IMMEDIATE</c>
/// transaction. The schema is migrated once per process on first use, and the JSON files of earlier versions
/// (<c>live-state.json</c>, <c>paper-account.json</c>) are imported once, then renamed <c>.imported</c>.
/// </summary>
public sealed class EmbeddedDatabase
{
    /// <summary>Milliseconds a statement waits for another process's write lock.</summary>
    internal const int BusyTimeoutMs = 30_000;

    /// <summary>Legacy file of durable live-state keys.</summary>
    internal const string LegacyLiveStateFile = "live-state.json";

    /// <summary>Legacy file of the paper account.</summary>
    internal const string LegacyPaperAccountFile = "paper-account.json";

    private readonly SemaphoreSlim _ready = new(1, 1);
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _migrated;

    /// <summary>The embedded database in <paramref name="dataDirectory"/>.</summary>
    public EmbeddedDatabase(string dataDirectory, TimeProvider time, ILogger<EmbeddedDatabase>? logger = null)
    {
        DataDirectory = dataDirectory;
        Target = StorageTarget.ForSqlite(Path.Combine(dataDirectory, StorageOptions.DatabaseFileName));
        _time = time;
        _logger = logger ?? NullLogger<EmbeddedDatabase>.Instance;
    }

    /// <summary>The data folder.</summary>
    public string DataDirectory { get; }

    /// <summary>The SQLite file.</summary>
    public StorageTarget Target { get; }

    /// <summary>Now as stored (UTC ticks).</summary>
    internal long NowTicks => _time.GetUtcNow().UtcTicks;

    /// <summary>Runs <paramref name="work"/> in an exclusive (<c>BEGIN IMMEDIATE</c>) transaction and commits it.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await EnsureReadyAsync(ct).ConfigureAwait(false);
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = conn.BeginTransaction(deferred: false);
        var result = await work(conn, tx).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>Runs a read on a snapshot (WAL: it never waits for a writer).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await EnsureReadyAsync(ct).ConfigureAwait(false);
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        return await work(conn).ConfigureAwait(false);
    }

    internal static SqliteCommand Command(SqliteConnection conn, SqliteTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.CommandTimeout = BusyTimeoutMs / 1000;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var conn = new SqliteConnection(Target.ConnectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        // SQLite's own busy handler besides the provider's retry loop, so BEGIN IMMEDIATE and COMMIT wait as well.
        await using var pragma = Command(conn, null, $"PRAGMA busy_timeout={BusyTimeoutMs};");
        await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return conn;
    }

    private async Task EnsureReadyAsync(CancellationToken ct)
    {
        if (_migrated) return;
        await _ready.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_migrated) return;
            await using (var database = new StorageDatabase(Target))
                await new DatabaseMigrator(database, _time).MigrateAsync(ct).ConfigureAwait(false);
            await ImportLegacyFilesAsync(ct).ConfigureAwait(false);
            _migrated = true;
        }
        finally
        {
            _ready.Release();
        }
    }

    private async Task ImportLegacyFilesAsync(CancellationToken ct)
    {
        var liveState = Path.Combine(DataDirectory, LegacyLiveStateFile);
        var paper = Path.Combine(DataDirectory, LegacyPaperAccountFile);
        if (!File.Exists(liveState) && !File.Exists(paper)) return;
        await using var conn = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = conn.BeginTransaction(deferred: false);
        var imported = new List<string>();
        // Another process may have imported and renamed a file between our check and our lock: read inside it.
        if (TryRead(liveState) is { } liveJson)
        {
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(liveJson) ?? [])
            {
                // Keys written since (in the database) are newer than the file's.
                await using var insert = Command(conn, tx, "INSERT INTO live_state (key, value, expires_at) VALUES (@k, @v, NULL) ON CONFLICT (key) DO NOTHING",
                    ("@k", key), ("@v", value));
                await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            imported.Add(liveState);
        }
        if (TryRead(paper) is { } paperJson)
        {
            await using var insert = Command(conn, tx, "INSERT INTO paper_account (id, state, updated_at) VALUES (1, @s, @t) ON CONFLICT (id) DO NOTHING",
                ("@s", paperJson), ("@t", NowTicks));
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            imported.Add(paper);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        foreach (var file in imported) MarkImported(file);
    }

    private static string? TryRead(string file)
    {
        try
        {
            return File.Exists(file) ? File.ReadAllText(file) : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private void MarkImported(string file)
    {
        try
        {
            File.Move(file, file + ".imported", overwrite: true);
            _logger.LogInformation("Imported {File} into the embedded database and renamed it .imported", file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (File.Exists(file)) _logger.LogWarning("Imported {File} into the embedded database but could not rename it: {Reason}", file, e.Message);
        }
    }
}
