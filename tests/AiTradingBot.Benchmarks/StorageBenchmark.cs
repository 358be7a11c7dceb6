using System.Diagnostics;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using AiTradingBot.Storage;
using AiTradingBot.Storage.Fills;
using AiTradingBot.Storage.Migrations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Fills ingestion into PostgreSQL through <see cref="DatabaseFillStore"/> (dedupe, PnL, positions, one transaction
/// per batch) against two ceilings measured in the same run: a plain binary COPY of the same rows into a bare table
/// (no index, no constraint), and one into a table with the indexes and constraints of <c>fills</c>; each in one
/// transaction (the ratios the issue set) and in the ingestion's batches of a transaction each. Rounds alternate
/// ingestion and the ceilings and each ratio is the median over rounds, so a shared machine's load drifts over both.
/// Args: [connection string] [events] [batch size] [rounds]; the connection string defaults to ATB_TEST_POSTGRES.
/// A fresh database is created on that server and dropped afterwards.
/// </summary>
public sealed class StorageBenchmark : IBenchmark
{
    private const int Bots = 20;
    private const int Symbols = 10;
    private const int RedeliveredPerBatch = 20;

    /// <inheritdoc />
    public string Name => "storage";

    /// <inheritdoc />
    public string Description => "PostgreSQL fills ingestion with dedupe (fills/s) vs a binary COPY of the same rows into a bare and into an indexed table";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var admin = args.Length > 0 && args[0].Contains('=') ? args[0] : Environment.GetEnvironmentVariable("ATB_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(admin))
            return new { error = "No PostgreSQL: pass a connection string or set ATB_TEST_POSTGRES (scripts/servers/postgres.sh start writes it)." };
        var events = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        var batchSize = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000;
        var rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 5;

        var name = "atb_bench_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync(admin, $"CREATE DATABASE {name}", ct);
        try
        {
            return await RunOnAsync(new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString, events, batchSize, rounds, ct);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task<object> RunOnAsync(string connectionString, int events, int batchSize, int rounds, CancellationToken ct)
    {
        await using var database = new StorageDatabase(StorageTarget.ForPostgres(connectionString));
        var migrator = new DatabaseMigrator(database, TimeProvider.System);
        await migrator.MigrateAsync(ct);
        await ExecuteAsync(connectionString, """
            CREATE TABLE public.bench_copy (exec_id text, order_id text, client_order_id text, bot_id text, symbol text, category text,
                side text, price numeric, qty numeric, fee numeric, fee_currency text, exec_time timestamptz, realized_pnl numeric,
                closing boolean, close_reason text, ingested_at timestamptz);
            CREATE TABLE public.bench_copy_indexed (LIKE trading.fills INCLUDING ALL);
            """, ct);

        var stream = Generate("e", events);
        var batches = stream.Chunk(batchSize).ToList();
        var measured = new List<Round>();
        (int Fast, int Checked) paths = default;
        var offered = 0;
        var replayPerSecond = 0d;
        // Rounds alternate ingestion and the ceilings, so a shared machine's load drifts over both alike; every round
        // starts from empty tables and a new store (nothing cached).
        for (var round = 0; round <= rounds; round++)
        {
            await ExecuteAsync(connectionString, "TRUNCATE trading.fills, trading.bot_positions", ct);
            await using var store = new DatabaseFillStore(database, new StorageReadiness(migrator, Options.Create(new StorageOptions())),
                database.CreateContextFactory(), TimeProvider.System);
            // Warm-up (JIT, the session, plans) on executions outside the measured set.
            foreach (var chunk in Generate($"w{round}-", 3 * batchSize).Chunk(batchSize)) await store.IngestAsync(chunk, ct);

            offered = 0;
            var stored = new List<Fill>(events);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < batches.Count; i++)
            {
                // Each batch also redelivers the tail of the previous one, as a reconnecting execution stream does.
                var batch = i == 0 ? batches[i] : batches[i - 1][^Math.Min(RedeliveredPerBatch, batches[i - 1].Length)..].Concat(batches[i]).ToArray();
                offered += batch.Length;
                stored.AddRange((await store.IngestAsync(batch, ct)).NewFills);
            }
            sw.Stop();
            var ingestSeconds = sw.Elapsed.TotalSeconds;
            paths = store.PostgresPaths;

            if (round == rounds)
            {
                // A replay of already stored executions by another instance (nothing cached): the database dedupe path.
                await using var other = new DatabaseFillStore(database, new StorageReadiness(migrator, Options.Create(new StorageOptions())),
                    database.CreateContextFactory(), TimeProvider.System);
                var replay = stream.Take(Math.Min(10 * batchSize, events)).Chunk(batchSize).ToList();
                sw.Restart();
                foreach (var chunk in replay) await other.IngestAsync(chunk, ct);
                replayPerSecond = replay.Sum(c => c.Length) / sw.Elapsed.TotalSeconds;
            }

            // The ceilings: the same rows by binary COPY into a table with no constraints or indexes, and into one with
            // exactly the indexes and constraints of fills (LIKE … INCLUDING ALL): each in one transaction, and each
            // also in the ingestion's batches, a transaction each.
            var rows = stored.Select(f => (f, "USDT")).ToList();
            var copy = await TimeCopyAsync(connectionString, "public.bench_copy", rows, ct);
            var indexed = await TimeCopyAsync(connectionString, "public.bench_copy_indexed", rows, ct);
            var batched = await TimeBatchedCopyAsync(connectionString, "public.bench_copy_indexed", rows, batchSize, ct);
            var batchedBare = await TimeBatchedCopyAsync(connectionString, "public.bench_copy", rows, batchSize, ct);
            // Round 0 is a warm-up of the whole sequence (first extents of every table and index, JIT of the copy path).
            if (round > 0) measured.Add(new Round(stored.Count, ingestSeconds, copy, indexed, batched, batchedBare));
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
        }
        var storedFills = measured[0].Rows;
        var fillsPerSecond = Median(measured.Select(r => r.Rows / r.IngestSeconds));
        var ratio = Median(measured.Select(r => r.CopySeconds / r.IngestSeconds));
        var indexedRatio = Median(measured.Select(r => r.IndexedCopySeconds / r.IngestSeconds));
        var batchedRatio = Median(measured.Select(r => r.BatchedIndexedCopySeconds / r.IngestSeconds));
        var batchedBareRatio = Median(measured.Select(r => r.BatchedCopySeconds / r.IngestSeconds));
        var settings = await SettingsAsync(connectionString, ct);
        return new
        {
            events = offered,
            redelivered = offered - storedFills,
            storedFills,
            batchSize,
            rounds = measured.Count,
            ingestSeconds = measured.Select(r => Math.Round(r.IngestSeconds, 3)).ToArray(),
            fastPathBatches = paths.Fast,
            checkedPathBatches = paths.Checked,
            fillsPerSecond = Math.Round(fillsPerSecond),
            eventsPerSecond = Math.Round(fillsPerSecond * offered / storedFills),
            replayByAnotherInstancePerSecond = Math.Round(replayPerSecond),
            copyRowsPerSecond = Math.Round(Median(measured.Select(r => r.Rows / r.CopySeconds))),
            indexedCopyRowsPerSecond = Math.Round(Median(measured.Select(r => r.Rows / r.IndexedCopySeconds))),
            batchedIndexedCopyRowsPerSecond = Math.Round(Median(measured.Select(r => r.Rows / r.BatchedIndexedCopySeconds))),
            batchedCopyRowsPerSecond = Math.Round(Median(measured.Select(r => r.Rows / r.BatchedCopySeconds))),
            // Each ratio is the median over rounds of ingestion against the ceilings measured right after it.
            ratioToCopy = Math.Round(ratio, 3),
            ratioToIndexedCopy = Math.Round(indexedRatio, 3),
            // Against COPYs in the ingestion's own batches, a commit each: the cost of committing every batch excluded.
            ratioToBatchedCopy = Math.Round(batchedBareRatio, 3),
            ratioToBatchedIndexedCopy = Math.Round(batchedRatio, 3),
            targets = new { fillsPerSecond = 20_000, ratioToCopy = 0.5, ratioToIndexedCopy = 0.8 },
            meetsTargets = fillsPerSecond >= 20_000 && ratio >= 0.5 && indexedRatio >= 0.8,
            loadAverage = LoadAverage(),
            server = settings,
        };
    }

    private sealed record Round(int Rows, double IngestSeconds, double CopySeconds, double IndexedCopySeconds, double BatchedIndexedCopySeconds,
        double BatchedCopySeconds);

    /// <summary>
    /// Executions for 20 bots × 10 symbols whose sides alternate in runs, so positions open, close and flip; exec ids
    /// are random UUIDs as Bybit's are (random keys cost the unique index more than sequential ones).
    /// </summary>
    private static List<ExecutionReport> Generate(string prefix, int count)
    {
        var rng = new Random(42);
        var t0 = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var list = new List<ExecutionReport>(count);
        for (var i = 0; i < count; i++)
        {
            var bot = $"bot{i % Bots:00}";
            var symbol = $"SYM{i / Bots % Symbols}USDT";
            var side = rng.Next(3) == 0 ? OrderSide.Sell : (i / 50 % 2 == 0 ? OrderSide.Buy : OrderSide.Sell);
            var price = Math.Round(100m + (decimal)rng.NextDouble() * 10m, 2);
            var qty = Math.Round(0.001m + (decimal)rng.NextDouble(), 3);
            var idBytes = new byte[16];
            rng.NextBytes(idBytes);
            list.Add(new ExecutionReport($"{prefix}{new Guid(idBytes)}", $"ord-{i / 3}", $"{bot}-bench-{i / 3}", bot, symbol, OrderCategory.Linear,
                side, price, qty, Math.Round(price * qty * 0.00055m, 8), "USDT", t0.AddMilliseconds(i * 37)));
        }
        return list;
    }

    /// <summary>Seconds to COPY all the rows into the emptied <paramref name="table"/> in one transaction (no per-batch commit).</summary>
    private static async Task<double> TimeCopyAsync(string connectionString, string table, List<(Fill, string)> fills, CancellationToken ct)
    {
        await ExecuteAsync(connectionString, $"TRUNCATE {table}", ct);
        var sw = Stopwatch.StartNew();
        await CopyAsync(connectionString, table, fills, ct);
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Seconds to COPY the rows into the emptied <paramref name="table"/> in batches of <paramref name="batchSize"/>,
    /// each in its own transaction on one session, as ingestion commits them.
    /// </summary>
    private static async Task<double> TimeBatchedCopyAsync(string connectionString, string table, List<(Fill, string)> fills, int batchSize, CancellationToken ct)
    {
        var chunks = fills.Chunk(batchSize).Select(c => c.ToList()).ToList();
        await ExecuteAsync(connectionString, $"TRUNCATE {table}", ct);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        var sw = Stopwatch.StartNew();
        foreach (var chunk in chunks) await CopyOnAsync(conn, table, chunk, ct);
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>The 1-minute load average (Linux), so figures from a shared machine can be read in context.</summary>
    private static double? LoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static async Task CopyAsync(string connectionString, string table, List<(Fill, string)> fills, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await CopyOnAsync(conn, table, fills, ct);
    }

    private static async Task CopyOnAsync(NpgsqlConnection conn, string table, List<(Fill, string)> fills, CancellationToken ct)
    {
        await using var tx = await conn.BeginTransactionAsync(ct);
        // The same row writer as ingestion, so the ratios measure what ingestion does besides the COPY.
        await PostgresFillIngestion.CopyFillsAsync(conn, fills, DateTimeOffset.UtcNow, ct, table);
        await tx.CommitAsync(ct);
    }

    private static async Task<object> SettingsAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit')", conn);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new { version = r.GetString(0), fsync = r.GetString(1), synchronousCommit = r.GetString(2) };
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
