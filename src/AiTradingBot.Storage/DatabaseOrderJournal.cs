using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Storage.Model;
using Microsoft.EntityFrameworkCore;

namespace AiTradingBot.Storage;

/// <summary><see cref="IOrderJournal"/> on the <c>orders</c> table: one row per client order id, updated in place.</summary>
public sealed class DatabaseOrderJournal(StorageReadiness ready, IDbContextFactory<TradingDbContext> contexts, TimeProvider time) : IOrderJournal
{
    /// <inheritdoc />
    public async Task RecordAsync(OrderRequest request, OrderResult result, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(result);
        if (string.IsNullOrWhiteSpace(request.ClientOrderId)) throw new ArgumentException("An order without a client order id cannot be journaled.", nameof(request));
        await ready.EnsureAsync(ct);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var now = time.GetUtcNow();
            var row = await db.Orders.SingleOrDefaultAsync(o => o.ClientOrderId == request.ClientOrderId, ct);
            var inserted = row is null;
            if (row is null)
            {
                row = new OrderRow { ClientOrderId = request.ClientOrderId, CreatedAt = now };
                db.Orders.Add(row);
            }
            Apply(row, request, result, now);
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException) when (inserted && attempt < 3)
            {
                // Another instance inserted the same client order id between our read and write: update that row.
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<JournaledOrder>> SinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        await ready.EnsureAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var from = since.ToUniversalTime();
        var rows = await db.Orders.AsNoTracking().Where(o => o.CreatedAt >= from)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).ToListAsync(ct);
        return rows.Select(ToJournaled).ToList();
    }

    private static void Apply(OrderRow row, OrderRequest request, OrderResult result, DateTimeOffset now)
    {
        row.ExchangeOrderId = result.OrderId ?? row.ExchangeOrderId;
        row.BotId = request.BotId;
        row.Symbol = request.Symbol;
        row.Category = request.Category;
        row.Side = request.Side;
        row.Type = request.Type;
        row.Qty = request.Qty;
        row.Price = request.Price;
        row.TriggerPrice = request.Trigger?.Price;
        row.TriggerDirection = request.Trigger?.Direction;
        row.TakeProfit = request.TakeProfit;
        row.StopLoss = request.StopLoss;
        row.Leverage = request.Leverage;
        row.ReduceOnly = request.ReduceOnly;
        row.Accepted = result.Accepted;
        row.Status = result.Status;
        row.FilledQty = result.FilledQty;
        row.AvgPrice = result.AveragePrice;
        row.RejectReason = result.RejectReason;
        row.AlreadyExisted = result.AlreadyExisted;
        row.UpdatedAt = now;
    }

    private static JournaledOrder ToJournaled(OrderRow r)
    {
        var trigger = r.TriggerPrice is { } price && r.TriggerDirection is { } direction ? new OrderTrigger(price, direction) : null;
        var request = new OrderRequest(r.ClientOrderId, r.BotId, r.Symbol, r.Category, r.Side, r.Type, r.Qty, r.Price, trigger,
            r.TakeProfit, r.StopLoss, r.Leverage, r.ReduceOnly);
        var result = new OrderResult(r.Accepted, r.ExchangeOrderId, r.ClientOrderId, r.Status, r.FilledQty, r.AvgPrice, r.RejectReason, r.AlreadyExisted);
        return new JournaledOrder(request, result, r.CreatedAt);
    }
}
