using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Storage.Model;
using Microsoft.EntityFrameworkCore;

namespace AiTradingBot.Storage.Fills;

/// <summary>
/// Ingestion on the embedded SQLite file through EF: one <c>BEGIN IMMEDIATE</c> transaction per batch takes the
/// database's write lock first, so concurrent writers (another process on the same file) serialize and the
/// exec-id check, PnL and position update see a consistent state.
/// </summary>
internal sealed class SqliteFillIngestion(IDbContextFactory<TradingDbContext> contexts, TimeProvider time)
{
    /// <summary>Stores a prepared batch atomically; <paramref name="beforeCommit"/> runs after every write (tests).</summary>
    public async Task<FillIngestResult> IngestAsync(List<ExecutionReport> batch, Func<CancellationToken, Task>? beforeCommit, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Microsoft.Data.Sqlite begins non-deferred transactions with BEGIN IMMEDIATE.
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        var ids = batch.Select(e => e.ExecId).ToList();
        var existing = (await db.Fills.Where(f => ids.Contains(f.ExecId)).Select(f => f.ExecId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var fresh = batch.Where(e => !existing.Contains(e.ExecId)).ToList();
        if (fresh.Count == 0) return new FillIngestResult([], []);

        var bots = fresh.Select(e => e.BotId).Distinct().ToList();
        var rows = (await db.BotPositions.Where(p => bots.Contains(p.BotId)).ToListAsync(ct))
            .ToDictionary(p => (p.BotId, p.Symbol, p.Category));
        var positions = rows.ToDictionary(kv => kv.Key, kv => (kv.Value.Qty, kv.Value.AvgPrice));
        var (fills, changed) = FillLedger.Apply(fresh, positions);

        db.Fills.AddRange(fills.Select(x => FillRow.From(x.Fill, x.FeeCurrency, now)));
        foreach (var p in changed)
        {
            if (!rows.TryGetValue((p.BotId, p.Symbol, p.Category), out var row))
            {
                row = new BotPositionRow { BotId = p.BotId, Symbol = p.Symbol, Category = p.Category };
                db.BotPositions.Add(row);
            }
            row.Qty = p.Qty;
            row.AvgPrice = p.AveragePrice;
            row.UpdatedAt = now;
        }
        await db.SaveChangesAsync(ct);

        if (beforeCommit is not null) await beforeCommit(ct);
        await tx.CommitAsync(ct);
        return new FillIngestResult(fills.Select(x => x.Fill).ToList(), changed);
    }
}
