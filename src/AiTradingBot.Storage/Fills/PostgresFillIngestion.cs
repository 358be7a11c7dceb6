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
/// A batch's rows go by binary COPY straight into <c>fills</c> (the cheapest way PostgreSQL takes rows), followed by
/// one guarded update of the positions it changed and the commit. Dedupe needs no <c>ON CONFLICT</c>: each path
/// writes only exec ids it knows are new (from its cache, or read under the lock), and the primary key turns any surprise (a stale cache, a
/// writer that bypassed the lock) into a unique violation that aborts the batch for the checked path. Two designs were
/// measured before on this 2-core machine and dropped: a COPY into a temp staging table then
/// <c>INSERT … SELECT … ON CONFLICT DO NOTHING</c> (the rows written twice), and one statement over unnested array
/// parameters with <c>ON CONFLICT DO NOTHING … RETURNING</c> (speculative inserts and array decoding cost about three
/// times the COPY). Batches are serialized in the process and keep one session of their own (checked after a pause).
/// </para>
/// <para>
/// With the touched positions known from this process's previous batches and redelivered exec ids recognized from the
/// ones it stored, PnL is computed first (the fast path): the COPY (Npgsql sends <c>BEGIN</c> with it), then one round
/// trip with the lock, the positions updated only where they still hold the cached values, and <c>COMMIT</c>. When
/// that guard or the primary key fails (another instance wrote, or an old redelivery), the transaction is rolled back
/// and the batch takes the checked path: read the stored exec ids and positions under the lock, compute, write.
/// Either way a batch is all or nothing.
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
            var candidates = new List<ExecutionReport>(batch.Count);
            var before = new Dictionary<(string, string, OrderCategory), (decimal, decimal)>();
            var allCached = true;
            foreach (var e in batch)
            {
                if (_stored.Contains(e.ExecId)) continue;
                candidates.Add(e);
                var key = (e.BotId, e.Symbol, e.Category);
                if (allCached && !before.ContainsKey(key))
                {
                    if (_positions.TryGetValue(key, out var cached)) before[key] = cached;
                    else allCached = false;
                }
            }
            if (candidates.Count == 0) return new FillIngestResult([], []);

            if (allCached)
            {
                var fast = await TryFastAsync(candidates, before, beforeCommit, ct);
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

    /// <summary>The fast path; null when the guard or the primary key said the cache was stale.</summary>
    private async Task<FillIngestResult?> TryFastAsync(List<ExecutionReport> candidates,
        Dictionary<(string, string, OrderCategory), (decimal, decimal)> before, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var (fills, changed) = FillLedger.Apply(candidates, new Dictionary<(string, string, OrderCategory), (decimal, decimal)>(before));
        var conn = await ConnectionAsync(ct);
        try
        {
            // Npgsql sends BEGIN with the COPY. The lock is taken after the rows are in: what it serializes is the
            // positions, which the guarded update checks under it; a row another writer holds makes the COPY wait for
            // that writer and then fail on the key (or, against a checked batch, fail as a deadlock), never pass.
            await using var tx = await conn.BeginTransactionAsync(ct);
            await WriteAsync(conn, fills, changed, before, takeLock: true, beforeCommit, ct);
        }
        catch (PostgresException e) when (e.SqlState is GuardSqlState or PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
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
            var (fills, changed) = FillLedger.Apply(fresh, new Dictionary<(string, string, OrderCategory), (decimal, decimal)>(positions));
            if (fresh.Count > 0)
            {
                await WriteAsync(conn, fills, changed, positions, takeLock: false, beforeCommit, ct);
            }
            else
            {
                await RollbackAsync(conn);
            }

            // What was read under the lock is the truth now (the changed ones follow in Committed): prime the cache.
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
    /// The batches' session, opened when there is none. One idle for a while is checked
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
    /// The batch's rows in one binary COPY straight into <c>fills</c>. No <c>ON CONFLICT</c> is needed: both paths
    /// write only exec ids they know are new (the fast path from this instance's cache,
    /// the checked path from what it read under the lock), so a unique violation means the cache was stale or a writer
    /// bypassed the lock, and aborts the whole batch for the checked path to redo. <paramref name="table"/> is another
    /// table with the columns of <c>fills</c> (the storage benchmark's COPY ceilings write their rows the same way).
    /// </summary>
    internal static async Task CopyFillsAsync(NpgsqlConnection conn, IReadOnlyList<(Fill Fill, string FeeCurrency)> fills, DateTimeOffset now,
        CancellationToken ct, string table = "trading.fills")
    {
        await using var copy = await conn.BeginBinaryImportAsync(
            $"COPY {table} (exec_id, order_id, client_order_id, bot_id, symbol, category, side, price, qty, fee, fee_currency, " +
            "exec_time, realized_pnl, closing, close_reason, ingested_at) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var (f, feeCurrency) in fills)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(f.ExecId, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.OrderId, NpgsqlDbType.Text, ct);
            if (f.ClientOrderId is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(f.ClientOrderId, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.BotId, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Symbol, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(CategoryName(f.Category), NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Side == OrderSide.Buy ? "Buy" : "Sell", NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.Price, NpgsqlDbType.Numeric, ct);
            await copy.WriteAsync(f.Qty, NpgsqlDbType.Numeric, ct);
            await copy.WriteAsync(f.Fee, NpgsqlDbType.Numeric, ct);
            await copy.WriteAsync(feeCurrency, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(f.ExecTime, NpgsqlDbType.TimestampTz, ct);
            await copy.WriteAsync(f.RealizedPnl, NpgsqlDbType.Numeric, ct);
            await copy.WriteAsync(f.Closing, NpgsqlDbType.Boolean, ct);
            if (f.CloseReason is null) await copy.WriteNullAsync(ct); else await copy.WriteAsync(f.CloseReason, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
        }
        await copy.CompleteAsync(ct);
    }

    private static string CategoryName(OrderCategory category) => category switch
    {
        OrderCategory.Linear => nameof(OrderCategory.Linear),
        OrderCategory.Spot => nameof(OrderCategory.Spot),
        _ => category.ToString(),
    };

    /// <summary>
    /// The positions the batch changed, guarded: each stored row is updated only where it still holds the value the
    /// PnL was computed from (a missing row counts as flat and is inserted), and the statement fails with
    /// <c>ATB01</c> unless every pair was written. One statement does the check and the write, so a batch reads
    /// its positions only once.
    /// </summary>
    private static NpgsqlBatchCommand GuardedPositions(List<BotPosition> changed,
        Dictionary<(string, string, OrderCategory), (decimal Qty, decimal AvgPrice)> before, DateTimeOffset now)
    {
        var old = changed.Select(p => before.GetValueOrDefault((p.BotId, p.Symbol, p.Category))).ToArray();
        return Command("""
            WITH v AS (
                SELECT * FROM unnest(@bots, @symbols, @categories, @oldQtys, @oldAvgs, @qtys, @avgs) AS v(b, s, c, oq, oa, q, a)
            ), updated AS (
                UPDATE trading.bot_positions p SET qty = v.q, avg_price = v.a, updated_at = @now
                FROM v WHERE p.bot_id = v.b AND p.symbol = v.s AND p.category = v.c AND p.qty = v.oq AND p.avg_price = v.oa
                RETURNING 1
            ), inserted AS (
                INSERT INTO trading.bot_positions (bot_id, symbol, category, qty, avg_price, updated_at)
                SELECT v.b, v.s, v.c, v.q, v.a, @now FROM v
                WHERE v.oq = 0 AND v.oa = 0
                  AND NOT EXISTS (SELECT 1 FROM trading.bot_positions p WHERE p.bot_id = v.b AND p.symbol = v.s AND p.category = v.c)
                RETURNING 1
            )
            -- Both counts come from this statement's snapshot: a row changed since it was read is neither updated nor inserted.
            SELECT trading.ingest_check((SELECT count(*) FROM updated) + (SELECT count(*) FROM inserted) = cardinality(@bots),
                'positions changed since this instance last read them')
            """,
            ("now", now),
            ("bots", changed.Select(p => p.BotId).ToArray()),
            ("symbols", changed.Select(p => p.Symbol).ToArray()),
            ("categories", changed.Select(p => CategoryName(p.Category)).ToArray()),
            ("oldQtys", old.Select(o => o.Qty).ToArray()),
            ("oldAvgs", old.Select(o => o.AvgPrice).ToArray()),
            ("qtys", changed.Select(p => p.Qty).ToArray()),
            ("avgs", changed.Select(p => p.AveragePrice).ToArray()));
    }

    /// <summary>
    /// COPY the rows, then in one round trip the lock (fast path; the checked path holds it already), the guarded
    /// positions and, without the test hook, COMMIT.
    /// </summary>
    private async Task WriteAsync(NpgsqlConnection conn, List<(Fill Fill, string FeeCurrency)> fills, List<BotPosition> changed,
        Dictionary<(string, string, OrderCategory), (decimal, decimal)> before, bool takeLock, Func<CancellationToken, Task>? beforeCommit,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await CopyFillsAsync(conn, fills, now, ct);
        await using (var tail = new NpgsqlBatch(conn))
        {
            if (takeLock) tail.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({FillsLockKey})"));
            if (changed.Count > 0) tail.BatchCommands.Add(GuardedPositions(changed, before, now));
            if (beforeCommit is null) tail.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            if (tail.BatchCommands.Count > 0) await tail.ExecuteNonQueryAsync(ct);
        }
        await CommitAfterAsync(conn, beforeCommit, ct);
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
