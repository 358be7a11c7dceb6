using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Plans;
using System.Runtime.InteropServices;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Storage.Fills;

/// <summary>
/// The provider-neutral half of ingestion: validation, in-batch dedupe, and realized PnL by
/// <see cref="PositionAccounting.Apply"/> against the stored per-bot positions.
/// </summary>
internal static class FillLedger
{
    /// <summary>
    /// Splits a batch into the executions to store and the defective ones to dead-letter (one bad execution no longer
    /// stops the others), drops repeated exec ids after the first, and rounds times to microseconds as PostgreSQL
    /// stores them.
    /// </summary>
    public static (List<ExecutionReport> Valid, List<DeadLetteredExecution> Rejected) Prepare(IReadOnlyList<ExecutionReport> executions, SecretRedactor? redactor)
    {
        ArgumentNullException.ThrowIfNull(executions);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var batch = new List<ExecutionReport>(executions.Count);
        List<DeadLetteredExecution>? rejected = null;
        foreach (var e in executions)
        {
            if (ExecutionDefects.Find(e) is { } defect)
            {
                (rejected ??= []).Add(ExecutionDefects.DeadLetter(e, defect.Kind, defect.Reason, redactor));
                continue;
            }
            if (!seen.Add(e.ExecId)) continue;
            var time = Microseconds(e.ExecTime);
            batch.Add(time == e.ExecTime && e.ExecTime.Offset == TimeSpan.Zero ? e : e with { ExecTime = time });
        }
        return (batch, rejected ?? []);
    }

    /// <summary>
    /// Applies the new executions to the positions, in execution time order (batch order breaks ties), and returns
    /// the fills to store (with their fee currency) and the changed positions. Later batches apply after earlier ones whatever their times.
    /// </summary>
    public static (List<(Fill Fill, string FeeCurrency)> Fills, List<BotPosition> Changed) Apply(
        IEnumerable<ExecutionReport> fresh,
        Dictionary<(string BotId, string Symbol, OrderCategory Category), (decimal Qty, decimal AvgPrice)> positions)
    {
        var list = fresh as IReadOnlyList<ExecutionReport> ?? fresh.ToList();
        var fills = new List<(Fill, string)>(list.Count);
        var lastPrice = new Dictionary<(string, string, OrderCategory), decimal>();
        foreach (var e in InTimeOrder(list))
        {
            // Per (bot, symbol, category): a spot holding and a linear position on one symbol never net.
            var key = (e.BotId, e.Symbol, e.Category);
            ref var position = ref CollectionsMarshal.GetValueRefOrAddDefault(positions, key, out _);
            var after = PositionAccounting.Apply(position.Qty, position.AvgPrice, e.Side, e.Qty, e.Price);
            position = (after.Qty, after.AveragePrice);
            CollectionsMarshal.GetValueRefOrAddDefault(lastPrice, key, out _) = e.Price;
            fills.Add((new Fill(e.ExecId, e.OrderId, e.ClientOrderId, e.BotId, e.Symbol, e.Category, e.Side, e.Price, e.Qty, e.Fee,
                e.ExecTime, after.RealizedPnl, after.Closing, e.CloseReason), e.FeeCurrency));
        }
        // The newest fill price is the freshest mark the fills path knows; the publisher shows it as unrealized PnL.
        var changed = lastPrice
            .Select(kv =>
            {
                var (qty, avg) = positions[kv.Key];
                return new BotPosition(kv.Key.Item1, kv.Key.Item2, qty, avg, PositionAccounting.Unrealized(qty, avg, kv.Value), kv.Key.Item3);
            })
            .OrderBy(p => p.BotId, StringComparer.Ordinal).ThenBy(p => p.Symbol, StringComparer.Ordinal).ThenBy(p => p.Category)
            .ToList();
        return (fills, changed);
    }

    /// <summary>
    /// The executions by time, batch order breaking ties (OrderBy is stable); a batch already in order, as a venue's
    /// stream delivers it, is taken as it is without sorting.
    /// </summary>
    private static IEnumerable<ExecutionReport> InTimeOrder(IReadOnlyList<ExecutionReport> list)
    {
        for (var i = 1; i < list.Count; i++)
            if (list[i].ExecTime < list[i - 1].ExecTime) return list.OrderBy(e => e.ExecTime);
        return list;
    }

    /// <summary>A time in UTC truncated to whole microseconds.</summary>
    public static DateTimeOffset Microseconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);
}
