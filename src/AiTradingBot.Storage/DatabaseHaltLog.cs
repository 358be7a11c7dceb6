using AiTradingBot.Core.Ports;
using AiTradingBot.Storage.Model;
using Microsoft.EntityFrameworkCore;

namespace AiTradingBot.Storage;

/// <summary><see cref="IHaltLog"/> on the append-only <c>halt_events</c> table: the halt's truth, whatever happens to Redis.</summary>
public sealed class DatabaseHaltLog(StorageReadiness ready, IDbContextFactory<TradingDbContext> contexts) : IHaltLog
{
    /// <inheritdoc />
    public async Task AppendAsync(HaltEvent halt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(halt);
        await ready.EnsureAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.HaltEvents.Add(new HaltEventRow { Time = halt.Time.ToUniversalTime(), Halted = halt.Halted, Actor = halt.By, Reason = halt.Reason });
        await db.SaveChangesAsync(ct);
    }

    /// <inheritdoc />
    public async Task<HaltEvent?> LatestAsync(CancellationToken ct) => (await RecentAsync(1, ct)).FirstOrDefault();

    /// <inheritdoc />
    public async Task<IReadOnlyList<HaltEvent>> RecentAsync(int limit, CancellationToken ct)
    {
        if (limit <= 0) return [];
        await ready.EnsureAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        // Id order, not time order: two instances' clocks may disagree, the sequence does not.
        var rows = await db.HaltEvents.AsNoTracking().OrderByDescending(r => r.Id).Take(limit).ToListAsync(ct);
        return rows.Select(r => new HaltEvent(r.Time, r.Halted, r.Actor, r.Reason)).ToList();
    }
}
