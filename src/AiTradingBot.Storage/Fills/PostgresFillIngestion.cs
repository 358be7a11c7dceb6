using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Npgsql;
using NpgsqlTypes;

namespace AiTradingBot.Storage.Fills;

/// <summary>
/// Ingestion on PostgreSQL in one transaction and four round trips per batch: lock (creating if needed) the touched
/// <c>bot_positions</c> rows and find the already stored exec ids; compute PnL; binary-COPY the new fills straight
/// into <c>fills</c>; update the positions from arrays. The row locks serialize concurrent ingestors of the same
/// bot and symbol, and the unique exec_id constraint catches any remaining race (the batch is then retried).
/// </summary>
internal sealed class PostgresFillIngestion(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const string CopyFills =
        "COPY trading.fills (exec_id, order_id, client_order_id, bot_id, symbol, category, side, price, qty, fee, fee_currency, " +
        "exec_time, realized_pnl, closing, close_reason, ingested_at) FROM STDIN (FORMAT BINARY)";

    /// <summary>Stores a prepared batch atomically; <paramref name="beforeCommit"/> runs after every write (tests).</summary>
    public async Task<FillIngestResult> IngestAsync(List<ExecutionReport> batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryIngestAsync(batch, beforeCommit, ct);
            }
            catch (PostgresException e) when (attempt < 3 && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // Another instance stored some of these exec ids (or locked in another order) first: start over.
            }
        }
    }

    private async Task<FillIngestResult> TryIngestAsync(List<ExecutionReport> batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pairs = batch.Select(e => (e.BotId, e.Symbol)).Distinct()
            .OrderBy(p => p.BotId, StringComparer.Ordinal).ThenBy(p => p.Symbol, StringComparer.Ordinal).ToArray();
        var pairBots = pairs.Select(p => p.BotId).ToArray();
        var pairSymbols = pairs.Select(p => p.Symbol).ToArray();

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        var positions = new Dictionary<(string, string), (decimal, decimal)>();
        var existing = new HashSet<string>(StringComparer.Ordinal);
        await using (var read = new NpgsqlBatch(conn, tx))
        {
            read.BatchCommands.Add(Command("""
                INSERT INTO trading.bot_positions (bot_id, symbol, qty, avg_price, updated_at)
                SELECT b, s, 0, 0, @now FROM unnest(@bots, @symbols) AS t(b, s)
                ON CONFLICT (bot_id, symbol) DO NOTHING
                """, ("now", now), ("bots", pairBots), ("symbols", pairSymbols)));
            read.BatchCommands.Add(Command("""
                SELECT p.bot_id, p.symbol, p.qty, p.avg_price
                FROM trading.bot_positions p JOIN unnest(@bots, @symbols) AS t(b, s) ON p.bot_id = t.b AND p.symbol = t.s
                ORDER BY p.bot_id, p.symbol
                FOR UPDATE OF p
                """, ("bots", pairBots), ("symbols", pairSymbols)));
            read.BatchCommands.Add(Command("SELECT exec_id FROM trading.fills WHERE exec_id = ANY(@ids)",
                ("ids", batch.Select(e => e.ExecId).ToArray())));
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                positions[(reader.GetString(0), reader.GetString(1))] = (reader.GetDecimal(2), reader.GetDecimal(3));
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct)) existing.Add(reader.GetString(0));
        }

        var fresh = batch.Where(e => !existing.Contains(e.ExecId)).ToList();
        if (fresh.Count == 0) return new FillIngestResult([], []);
        var (fills, changed) = FillLedger.Apply(fresh, positions);

        await using (var copy = await conn.BeginBinaryImportAsync(CopyFills, ct))
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
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
            }
            await copy.CompleteAsync(ct);
        }

        await using (var update = new NpgsqlCommand("""
            UPDATE trading.bot_positions AS p SET qty = v.qty, avg_price = v.avg_price, updated_at = @now
            FROM unnest(@bots, @symbols, @qtys, @avgs) AS v(bot_id, symbol, qty, avg_price)
            WHERE p.bot_id = v.bot_id AND p.symbol = v.symbol
            """, conn, tx))
        {
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("bots", changed.Select(p => p.BotId).ToArray());
            update.Parameters.AddWithValue("symbols", changed.Select(p => p.Symbol).ToArray());
            update.Parameters.AddWithValue("qtys", changed.Select(p => p.Qty).ToArray());
            update.Parameters.AddWithValue("avgs", changed.Select(p => p.AveragePrice).ToArray());
            await update.ExecuteNonQueryAsync(ct);
        }

        if (beforeCommit is not null) await beforeCommit(ct);
        await tx.CommitAsync(ct);
        return new FillIngestResult(fills.Select(x => x.Fill).ToList(), changed);
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.Add(new NpgsqlParameter(name, value));
        return cmd;
    }
}
