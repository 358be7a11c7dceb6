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
/// One set-based statement stores a batch: its rows (binary array parameters) into <c>fills</c> with
/// <c>ON CONFLICT DO NOTHING</c>, the positions upserted for exactly the rows it inserted (<c>RETURNING</c>), and an
/// assertion that every row was inserted, since the PnL computed here assumed so. A binary COPY into a temp staging
/// table followed by the same statement was built and measured first: on this 2-core machine its four round trips
/// per batch (COPY start and end, the move, COMMIT) made it slower than this one-round-trip form, so it was dropped.
/// Batches are serialized in the process and keep one session of their own (checked after a pause).
/// </para>
/// <para>
/// With the touched positions known from this process's previous batches and redelivered exec ids recognized from the
/// ones it stored, PnL is computed first (the fast path) and a single round trip sends <c>BEGIN</c>, the lock, a
/// guard that the stored positions still equal the cached ones, the statement and <c>COMMIT</c>. When the guard or
/// the all-inserted assertion fails (another instance wrote, or an old redelivery), the transaction is rolled back and
/// the batch takes the checked path: read the stored exec ids and positions under the lock, compute, write (two round
/// trips). Either way a batch is all or nothing.
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

    /// <summary>The fast path; null when its guard or the all-inserted assertion said the cache was stale.</summary>
    private async Task<FillIngestResult?> TryFastAsync(List<ExecutionReport> candidates, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var before = candidates.Select(e => (e.BotId, e.Symbol, e.Category)).Distinct().ToDictionary(p => p, p => _positions[p]);
        var (fills, changed) = FillLedger.Apply(candidates, new Dictionary<(string, string, OrderCategory), (decimal, decimal)>(before));
        var conn = await ConnectionAsync(ct);
        try
        {
            await using (var write = new NpgsqlBatch(conn))
            {
                write.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
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
                write.BatchCommands.Add(Move(fills, changed, time.GetUtcNow()));
                if (beforeCommit is null) write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                await write.ExecuteNonQueryAsync(ct);
            }
            await CommitAfterAsync(conn, beforeCommit, ct);
        }
        catch (PostgresException e) when (e.SqlState is GuardSqlState or PostgresErrorCodes.UniqueViolation)
        {
            await RollbackAsync(conn);
            _positions.Clear();
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
                await using (var write = new NpgsqlBatch(conn))
                {
                    write.BatchCommands.Add(Move(fills, changed, time.GetUtcNow()));
                    if (beforeCommit is null) write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                    await write.ExecuteNonQueryAsync(ct);
                }
                await CommitAfterAsync(conn, beforeCommit, ct);
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
        return _connection = await dataSource.OpenConnectionAsync(ct);
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

    /// <summary>With the test hook, the writes went without COMMIT: run the hook, then commit.</summary>
    private static async Task CommitAfterAsync(NpgsqlConnection conn, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        if (beforeCommit is null) return;
        await beforeCommit(ct);
        await using var commit = new NpgsqlCommand("COMMIT", conn);
        await commit.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Ends whatever transaction the connection is in; a broken connection has none left.</summary>
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

    /// <summary>
    /// One set-based statement: the batch's rows (binary array parameters, unnested) into <c>fills</c> with
    /// <c>ON CONFLICT DO NOTHING</c>, the positions upserted for exactly the (bot, symbol, category) pairs of the rows
    /// inserted (<c>RETURNING</c>), and the assertion that every row was inserted (the PnL computed here assumed so).
    /// </summary>
    private const string MoveSql = """
        WITH ins AS (
            INSERT INTO trading.fills (exec_id, order_id, client_order_id, bot_id, symbol, category, side, price, qty, fee, fee_currency,
                exec_time, realized_pnl, closing, close_reason, ingested_at)
            SELECT e, o, c, b, s, cat, sd, p, q, f, fc, t, r, cl, cr, @now
            FROM unnest(@e, @o, @c, @b, @s, @cat, @sd, @p, @q, @f, @fc, @t, @r, @cl, @cr) AS v(e, o, c, b, s, cat, sd, p, q, f, fc, t, r, cl, cr)
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

    private static NpgsqlBatchCommand Move(List<(Fill Fill, string FeeCurrency)> fills, List<BotPosition> changed, DateTimeOffset now)
    {
        var n = fills.Count;
        var execIds = new string[n];
        var orderIds = new string[n];
        var clientIds = new string?[n];
        var bots = new string[n];
        var symbols = new string[n];
        var categories = new string[n];
        var sides = new string[n];
        var prices = new decimal[n];
        var qtys = new decimal[n];
        var fees = new decimal[n];
        var feeCurrencies = new string[n];
        var times = new DateTimeOffset[n];
        var pnls = new decimal[n];
        var closings = new bool[n];
        var reasons = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var (f, feeCurrency) = fills[i];
            execIds[i] = f.ExecId; orderIds[i] = f.OrderId; clientIds[i] = f.ClientOrderId; bots[i] = f.BotId; symbols[i] = f.Symbol;
            categories[i] = f.Category.ToString(); sides[i] = f.Side.ToString(); prices[i] = f.Price; qtys[i] = f.Qty; fees[i] = f.Fee;
            feeCurrencies[i] = feeCurrency; times[i] = f.ExecTime; pnls[i] = f.RealizedPnl; closings[i] = f.Closing; reasons[i] = f.CloseReason;
        }
        var cmd = Command(MoveSql,
            ("now", now),
            ("count", n),
            ("bots", changed.Select(p => p.BotId).ToArray()),
            ("symbols", changed.Select(p => p.Symbol).ToArray()),
            ("categories", changed.Select(p => p.Category.ToString()).ToArray()),
            ("qtys", changed.Select(p => p.Qty).ToArray()),
            ("avgs", changed.Select(p => p.AveragePrice).ToArray()));
        cmd.Parameters.Add(Array("e", execIds, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("o", orderIds, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("c", clientIds, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("b", bots, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("s", symbols, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("cat", categories, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("sd", sides, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("p", prices, NpgsqlDbType.Numeric));
        cmd.Parameters.Add(Array("q", qtys, NpgsqlDbType.Numeric));
        cmd.Parameters.Add(Array("f", fees, NpgsqlDbType.Numeric));
        cmd.Parameters.Add(Array("fc", feeCurrencies, NpgsqlDbType.Text));
        cmd.Parameters.Add(Array("t", times, NpgsqlDbType.TimestampTz));
        cmd.Parameters.Add(Array("r", pnls, NpgsqlDbType.Numeric));
        cmd.Parameters.Add(Array("cl", closings, NpgsqlDbType.Boolean));
        cmd.Parameters.Add(Array("cr", reasons, NpgsqlDbType.Text));
        return cmd;
    }

    private static NpgsqlParameter Array(string name, Array values, NpgsqlDbType elementType) =>
        new(name, NpgsqlDbType.Array | elementType) { Value = values };

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
