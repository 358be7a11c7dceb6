using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Npgsql;
using NpgsqlTypes;

namespace AiTradingBot.Storage.Fills;

/// <summary>
/// Ingestion on PostgreSQL, one transaction per batch under a transaction-scoped advisory lock (which serializes
/// ingestors across instances).
/// <para>
/// The rows travel by binary COPY into a temp staging table (<c>ON COMMIT DELETE ROWS</c>: nothing survives a batch),
/// then one set-based statement moves them into <c>fills</c> with <c>ON CONFLICT DO NOTHING</c>, upserts the
/// positions of exactly the rows it inserted (<c>RETURNING</c>), and asserts that every row was inserted, since the
/// PnL computed here assumed so. Batches are serialized in the process, so they keep one connection of their own: the
/// staging table is created once per session, not per batch (the pool's reset would drop it). Through a
/// transaction-pooling PgBouncer a batch may land on a session without it; it is then created and the batch retried.
/// </para>
/// <para>
/// With the touched positions known from this process's previous batches and redelivered exec ids recognized from the
/// ones it stored, PnL is computed first (the fast path): <c>BEGIN</c> goes with the COPY, then the lock, a guard that
/// the stored positions still equal the cached ones and the move go in one round trip, then <c>COMMIT</c>. When the
/// guard or the all-inserted assertion fails (another instance wrote, or an old redelivery), the transaction is rolled
/// back and the batch takes the checked path: read the stored exec ids and positions under the lock, compute, then the
/// same COPY and move. Either way a batch is all or nothing.
/// </para>
/// </summary>
internal sealed class PostgresFillIngestion(NpgsqlDataSource dataSource, TimeProvider time) : IAsyncDisposable
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

    // The batches' own session (under _gate); dropped on any failure and opened again by the next batch.
    private NpgsqlConnection? _connection;
    private DateTimeOffset _lastUsed;

    /// <summary>A session idle this long is checked before a batch uses it.</summary>
    internal static readonly TimeSpan IdleCheckAfter = TimeSpan.FromSeconds(10);

    /// <summary>Batches that took the fast path (tests, benchmark).</summary>
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
                catch (PostgresException e) when (attempt < 3 && e.SqlState is GuardSqlState or PostgresErrorCodes.UniqueViolation
                                                      or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UndefinedTable)
                {
                    // A writer that bypasses the lock stored some of these first (read again and skip them), or the
                    // session had no staging table (created now).
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The fast path; null when its guard or the all-inserted assertion said the cache was stale.</summary>
    private async Task<FillIngestResult?> TryFastAsync(List<ExecutionReport> candidates, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var before = candidates.Select(e => (e.BotId, e.Symbol, e.Category)).Distinct().ToDictionary(p => p, p => _positions[p]);
        var (fills, changed) = FillLedger.Apply(candidates, new Dictionary<(string, string, OrderCategory), (decimal, decimal)>(before));
        var conn = await ConnectionAsync(ct);
        try
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await CopyAsync(conn, fills, ct);
            await using (var write = new NpgsqlBatch(conn))
            {
                write.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({FillsLockKey})"));
                write.BatchCommands.Add(Command("""
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
                write.BatchCommands.Add(Move(fills.Count, changed, time.GetUtcNow()));
                await write.ExecuteNonQueryAsync(ct);
            }
            if (beforeCommit is not null) await beforeCommit(ct);
            await tx.CommitAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is GuardSqlState or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.UndefinedTable)
        {
            // The transaction's disposal rolled it back; the checked path reads the truth (and creates a missing stage).
            _positions.Clear();
            if (e.SqlState == PostgresErrorCodes.UndefinedTable) await DropConnectionAsync();
            return null;
        }
        catch
        {
            _positions.Clear();
            await DropConnectionAsync();
            throw;
        }
        FastBatches++;
        return Committed(fills, changed);
    }

    /// <summary>Reads the stored exec ids and positions under the lock, then writes: correct whatever the cache holds.</summary>
    private async Task<FillIngestResult> CheckedAsync(List<ExecutionReport> candidates, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var pairs = candidates.Select(e => (e.BotId, e.Symbol, e.Category)).Distinct().ToArray();
        var conn = await ConnectionAsync(ct);
        try
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            var positions = new Dictionary<(string, string, OrderCategory), (decimal, decimal)>();
            var existing = new HashSet<string>(StringComparer.Ordinal);
            await using (var read = new NpgsqlBatch(conn))
            {
                // The staging table is made sure of inside the transaction: a pooler cannot move it to another session.
                read.BatchCommands.Add(new NpgsqlBatchCommand(CreateStage));
                read.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({FillsLockKey})"));
                read.BatchCommands.Add(Command("SELECT exec_id FROM trading.fills WHERE exec_id = ANY(@ids)",
                    ("ids", candidates.Select(e => e.ExecId).ToArray())));
                read.BatchCommands.Add(Command("""
                    SELECT p.bot_id, p.symbol, p.category, p.qty, p.avg_price
                    FROM trading.bot_positions p JOIN unnest(@bots, @symbols, @categories) AS t(b, s, c) ON p.bot_id = t.b AND p.symbol = t.s AND p.category = t.c
                    """, ("bots", pairs.Select(p => p.BotId).ToArray()), ("symbols", pairs.Select(p => p.Symbol).ToArray()),
                    ("categories", pairs.Select(p => p.Category.ToString()).ToArray())));
                await using var reader = await read.ExecuteReaderAsync(ct);
                // CREATE returns no result set: the reader starts on the lock's.
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
                await CopyAsync(conn, fills, ct);
                await using (var write = new NpgsqlBatch(conn))
                {
                    write.BatchCommands.Add(Move(fills.Count, changed, time.GetUtcNow()));
                    await write.ExecuteNonQueryAsync(ct);
                }
                if (beforeCommit is not null) await beforeCommit(ct);
                await tx.CommitAsync(ct);
            }
            else
            {
                await tx.RollbackAsync(ct);
            }

            // What was read under the lock is the truth now: prime the cache for the fast path.
            foreach (var pair in pairs) _positions[pair] = positions.GetValueOrDefault(pair);
            foreach (var id in existing) Remember(id);
            CheckedBatches++;
            return Committed(fills, changed);
        }
        catch
        {
            _positions.Clear();
            await DropConnectionAsync();
            throw;
        }
    }

    /// <summary>
    /// The batches' session, opened (with its staging table) when there is none. One idle for a while is checked
    /// first (a server restart or an idle timeout may have closed it), so a batch never fails on a dead session;
    /// back-to-back batches pay nothing for that.
    /// </summary>
    private async Task<NpgsqlConnection> ConnectionAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var idle = now - _lastUsed;
        _lastUsed = now;
        if (_connection is { State: System.Data.ConnectionState.Open } open)
        {
            if (idle < IdleCheckAfter) return open;
            try
            {
                await using var ping = new NpgsqlCommand("SELECT 1", open);
                await ping.ExecuteScalarAsync(ct);
                return open;
            }
            catch (NpgsqlException)
            {
                // The session is gone (closed, or terminated by the server): open another below.
            }
        }
        await DropConnectionAsync();
        var conn = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var create = new NpgsqlCommand(CreateStage, conn);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
        return _connection = conn;
    }

    private async Task DropConnectionAsync()
    {
        var conn = _connection;
        _connection = null;
        if (conn is not null) await conn.DisposeAsync();
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

    private static NpgsqlBatchCommand Move(int count, List<BotPosition> changed, DateTimeOffset now) =>
        Command(MoveStaged,
            ("now", now),
            ("count", count),
            ("bots", changed.Select(p => p.BotId).ToArray()),
            ("symbols", changed.Select(p => p.Symbol).ToArray()),
            ("categories", changed.Select(p => p.Category.ToString()).ToArray()),
            ("qtys", changed.Select(p => p.Qty).ToArray()),
            ("avgs", changed.Select(p => p.AveragePrice).ToArray()));

    /// <summary>Binary COPY of the fills into the staging table (the transaction's pending BEGIN travels with it).</summary>
    private static async Task CopyAsync(NpgsqlConnection conn, List<(Fill Fill, string FeeCurrency)> fills, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync("""
            COPY pg_temp.atb_fills_stage (exec_id, order_id, client_order_id, bot_id, symbol, category, side, price, qty, fee, fee_currency,
                exec_time, realized_pnl, closing, close_reason) FROM STDIN (FORMAT BINARY)
            """, ct);
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

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            await DropConnectionAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.Add(new NpgsqlParameter(name, value));
        return cmd;
    }
}
