using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Npgsql;
using NpgsqlTypes;

namespace AiTradingBot.Storage.Fills;

/// <summary>
/// Ingestion on PostgreSQL, one transaction per batch under a transaction-scoped advisory lock (which serializes
/// ingestors across instances and is safe through PgBouncer).
/// <para>
/// The rows travel by binary COPY into a session temp table (<c>ON COMMIT DELETE ROWS</c>, created when missing, so
/// it also works through a transaction-pooling PgBouncer), then one set-based statement moves them into
/// <c>fills</c> with <c>ON CONFLICT DO NOTHING</c> and upserts the positions of exactly the rows it inserted
/// (<c>RETURNING</c>); the same statement asserts that every row was inserted, since the PnL computed here assumed so.
/// </para>
/// <para>
/// With the touched positions known from this process's previous batches and redelivered exec ids recognized from the
/// ones it stored, PnL is computed first (the fast path): <c>BEGIN</c>, the lock and a guard that the stored positions
/// still equal the cached ones go in one round trip, then the COPY, then the move and <c>COMMIT</c>. When the guard
/// or the all-inserted assertion fails (another instance wrote, or an old redelivery), the transaction is rolled back
/// and the batch takes the checked path: read the stored exec ids and positions under the lock, compute, then the same
/// COPY and move. Either way a batch is all or nothing.
/// </para>
/// </summary>
internal sealed class PostgresFillIngestion(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>The advisory lock key every ingestor takes per batch ("ATBFILL1").</summary>
    internal const long FillsLockKey = 0x41544246494C4C31;

    private const string GuardSqlState = "ATB01";
    private const int RememberedExecIds = 200_000;

    // Only touched under _gate, and only changed after a commit is known to have succeeded.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string BotId, string Symbol, OrderCategory Category), (decimal Qty, decimal AvgPrice)> _positions = [];
    private readonly HashSet<string> _stored = new(StringComparer.Ordinal);
    private readonly Queue<string> _storedOrder = new();

    /// <summary>Batches that took the one-round-trip path (tests, benchmark).</summary>
    internal int FastBatches { get; private set; }

    /// <summary>Batches that took the checked path.</summary>
    internal int CheckedBatches { get; private set; }

    /// <summary>Stores a prepared batch atomically; <paramref name="beforeCommit"/> runs after every write (tests).</summary>
    public async Task<FillIngestResult> IngestAsync(List<ExecutionReport> batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            // Fills are never deleted: an exec id this process stored is a redelivery.
            var candidates = batch.Where(e => !_stored.Contains(e.ExecId)).ToList();
            if (candidates.Count == 0) return new FillIngestResult([], []);

            if (candidates.All(e => _positions.ContainsKey((e.BotId, e.Symbol, e.Category))))
            {
                var fast = await TryFastAsync(candidates, beforeCommit, ct);
                if (fast is not null) return fast;
            }
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await CheckedAsync(candidates, beforeCommit, ct);
                }
                catch (PostgresException e) when (attempt < 3 && e.SqlState is GuardSqlState or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
                {
                    // A writer that bypasses the lock stored some of these first: read again and skip them.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The one-round-trip path; null when its guard or the exec_id key said the cache was stale.</summary>
    private async Task<FillIngestResult?> TryFastAsync(List<ExecutionReport> candidates, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var before = candidates.Select(e => (e.BotId, e.Symbol, e.Category)).Distinct().ToDictionary(p => p, p => _positions[p]);
        var (fills, changed) = FillLedger.Apply(candidates, new Dictionary<(string, string, OrderCategory), (decimal, decimal)>(before));
        var now = time.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using (var begin = new NpgsqlBatch(conn))
            {
                begin.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                begin.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({FillsLockKey})"));
                begin.BatchCommands.Add(Command("""
                    SELECT trading.ingest_guard(count(*) = cardinality(@bots), 'positions changed since this instance last wrote')
                    FROM unnest(@bots, @symbols, @categories, @qtys, @avgs) AS v(b, s, c, q, a)
                    LEFT JOIN trading.bot_positions p ON p.bot_id = v.b AND p.symbol = v.s AND p.category = v.c
                    WHERE coalesce(p.qty, 0) = v.q AND coalesce(p.avg_price, 0) = v.a
                    """,
                    ("bots", before.Keys.Select(k => k.Item1).ToArray()),
                    ("symbols", before.Keys.Select(k => k.Item2).ToArray()),
                    ("categories", before.Keys.Select(k => k.Item3.ToString()).ToArray()),
                    ("qtys", before.Values.Select(v => v.Item1).ToArray()),
                    ("avgs", before.Values.Select(v => v.Item2).ToArray())));
                begin.BatchCommands.Add(new NpgsqlBatchCommand(CreateStage));
                await begin.ExecuteNonQueryAsync(ct);
            }
            await WriteAsync(conn, fills, changed, now, beforeCommit, ct);
        }
        catch (PostgresException e) when (e.SqlState is GuardSqlState)
        {
            await RollbackAsync(conn);
            _positions.Clear();
            return null;
        }
        catch
        {
            await RollbackAsync(conn);
            _positions.Clear();
            throw;
        }
        FastBatches++;
        return Committed(fills, changed);
    }

    /// <summary>Reads the stored exec ids and positions under the lock, then writes: correct whatever the cache holds.</summary>
    private async Task<FillIngestResult> CheckedAsync(List<ExecutionReport> candidates, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var pairs = candidates.Select(e => (e.BotId, e.Symbol, e.Category)).Distinct().ToArray();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var positions = new Dictionary<(string, string, OrderCategory), (decimal, decimal)>();
            var existing = new HashSet<string>(StringComparer.Ordinal);
            await using (var read = new NpgsqlBatch(conn))
            {
                // BEGIN and COMMIT travel inside the batches, so the transaction costs no round trip of its own.
                read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                read.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({FillsLockKey})"));
                read.BatchCommands.Add(Command("SELECT exec_id FROM trading.fills WHERE exec_id = ANY(@ids)",
                    ("ids", candidates.Select(e => e.ExecId).ToArray())));
                read.BatchCommands.Add(Command("""
                    SELECT p.bot_id, p.symbol, p.category, p.qty, p.avg_price
                    FROM trading.bot_positions p JOIN unnest(@bots, @symbols, @categories) AS t(b, s, c) ON p.bot_id = t.b AND p.symbol = t.s AND p.category = t.c
                    """, ("bots", pairs.Select(p => p.BotId).ToArray()), ("symbols", pairs.Select(p => p.Symbol).ToArray()),
                    ("categories", pairs.Select(p => p.Category.ToString()).ToArray())));
                read.BatchCommands.Add(new NpgsqlBatchCommand(CreateStage));
                await using var reader = await read.ExecuteReaderAsync(ct);
                // BEGIN returns no result set: the reader starts on the lock's.
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct)) existing.Add(reader.GetString(0));
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct))
                    positions[(reader.GetString(0), reader.GetString(1), Enum.Parse<OrderCategory>(reader.GetString(2)))] = (reader.GetDecimal(3), reader.GetDecimal(4));
            }

            var fresh = candidates.Where(e => !existing.Contains(e.ExecId)).ToList();
            var (fills, changed) = FillLedger.Apply(fresh, positions);
            if (fresh.Count > 0)
            {
                await WriteAsync(conn, fills, changed, time.GetUtcNow(), beforeCommit, ct);
            }
            else
            {
                await RollbackAsync(conn);
            }

            // What was read under the lock is the truth now: prime the cache for the fast path.
            foreach (var pair in pairs) _positions[pair] = positions.GetValueOrDefault(pair);
            foreach (var id in existing) Remember(id);
            CheckedBatches++;
            return Committed(fills, changed);
        }
        catch
        {
            await RollbackAsync(conn);
            _positions.Clear();
            throw;
        }
    }

    /// <summary>Records a committed batch in the caches and shapes the result.</summary>
    private FillIngestResult Committed(List<(Fill Fill, string FeeCurrency)> fills, List<BotPosition> changed)
    {
        foreach (var p in changed) _positions[(p.BotId, p.Symbol, p.Category)] = (p.Qty, p.AveragePrice);
        foreach (var (f, _) in fills) Remember(f.ExecId);
        return new FillIngestResult(fills.Select(x => x.Fill).ToList(), changed);
    }

    private void Remember(string execId)
    {
        if (!_stored.Add(execId)) return;
        _storedOrder.Enqueue(execId);
        if (_storedOrder.Count > RememberedExecIds) _stored.Remove(_storedOrder.Dequeue());
    }

    /// <summary>With the test hook, the writes went without COMMIT: run the hook, then commit.</summary>
    private static async Task CommitAfterAsync(NpgsqlConnection conn, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        if (beforeCommit is null) return;
        await beforeCommit(ct);
        await using var commit = new NpgsqlCommand("COMMIT", conn);
        await commit.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The staging table: the columns the batch supplies, no index or constraint to maintain on the way in.</summary>
    private const string CreateStage = """
        CREATE TEMP TABLE IF NOT EXISTS atb_fills_stage (
            exec_id text COLLATE "C", order_id text, client_order_id text, bot_id text COLLATE "C", symbol text COLLATE "C",
            category text, side text, price numeric, qty numeric, fee numeric, fee_currency text, exec_time timestamptz,
            realized_pnl numeric, closing boolean, close_reason text
        ) ON COMMIT DELETE ROWS
        """;

    /// <summary>
    /// The staged rows into <c>fills</c> (a row already stored is skipped, and then the batch is refused: its PnL assumed
    /// otherwise), and the positions upserted for exactly the (bot, symbol, category) pairs of the rows inserted.
    /// </summary>
    private const string MoveStaged = """
        WITH ins AS (
            INSERT INTO trading.fills (exec_id, order_id, client_order_id, bot_id, symbol, category, side, price, qty, fee, fee_currency,
                exec_time, realized_pnl, closing, close_reason, ingested_at)
            SELECT exec_id, order_id, client_order_id, bot_id, symbol, category, side, price, qty, fee, fee_currency,
                exec_time, realized_pnl, closing, close_reason, @now
            FROM pg_temp.atb_fills_stage
            ON CONFLICT (exec_id) DO NOTHING
            RETURNING bot_id, symbol, category
        ), positions AS (
            INSERT INTO trading.bot_positions (bot_id, symbol, category, qty, avg_price, updated_at)
            SELECT v.b, v.s, v.c, v.q, v.a, @now
            FROM unnest(@bots, @symbols, @categories, @qtys, @avgs) AS v(b, s, c, q, a)
            JOIN (SELECT DISTINCT bot_id, symbol, category FROM ins) t ON t.bot_id = v.b AND t.symbol = v.s AND t.category = v.c
            ON CONFLICT (bot_id, symbol, category) DO UPDATE SET qty = excluded.qty, avg_price = excluded.avg_price, updated_at = excluded.updated_at
            RETURNING 1
        )
        -- A FROM-less select is evaluated exactly once, whatever ins holds (even nothing); a failure aborts the statement.
        SELECT trading.ingest_check((SELECT count(*) FROM ins) = @count, 'an execution of this batch was stored by another writer')
        """;

    /// <summary>COPY the fills into the stage, then move them and upsert the positions (and commit, without the test hook).</summary>
    private static async Task WriteAsync(NpgsqlConnection conn, List<(Fill Fill, string FeeCurrency)> fills, List<BotPosition> changed,
        DateTimeOffset now, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        await using (var copy = await conn.BeginBinaryImportAsync("""
            COPY pg_temp.atb_fills_stage (exec_id, order_id, client_order_id, bot_id, symbol, category, side, price, qty, fee, fee_currency,
                exec_time, realized_pnl, closing, close_reason) FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            foreach (var (f, feeCurrency) in fills)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(f.ExecId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.OrderId, NpgsqlDbType.Text, ct);
                if (f.ClientOrderId is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(f.ClientOrderId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.BotId, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Symbol, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Category.ToString(), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Side.ToString(), NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.Price, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(f.Qty, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(f.Fee, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(feeCurrency, NpgsqlDbType.Text, ct);
                await copy.WriteAsync(f.ExecTime, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(f.RealizedPnl, NpgsqlDbType.Numeric, ct);
                await copy.WriteAsync(f.Closing, NpgsqlDbType.Boolean, ct);
                if (f.CloseReason is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(f.CloseReason, NpgsqlDbType.Text, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await using (var move = new NpgsqlBatch(conn))
        {
            move.BatchCommands.Add(Command(MoveStaged,
                ("now", now),
                ("count", fills.Count),
                ("bots", changed.Select(p => p.BotId).ToArray()),
                ("symbols", changed.Select(p => p.Symbol).ToArray()),
                ("categories", changed.Select(p => p.Category.ToString()).ToArray()),
                ("qtys", changed.Select(p => p.Qty).ToArray()),
                ("avgs", changed.Select(p => p.AveragePrice).ToArray())));
            if (beforeCommit is null) move.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await move.ExecuteNonQueryAsync(ct);
        }
        await CommitAfterAsync(conn, beforeCommit, ct);
    }

    /// <summary>Ends whatever transaction the connection is in; a broken connection has none left and the pool drops it.</summary>
    private static async Task RollbackAsync(NpgsqlConnection conn)
    {
        if (conn.State != System.Data.ConnectionState.Open) return;
        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", conn);
            await rollback.ExecuteNonQueryAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Nothing to undo on a connection that is gone: the server rolled the transaction back when it broke.
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.Add(new NpgsqlParameter(name, value));
        return cmd;
    }
}
