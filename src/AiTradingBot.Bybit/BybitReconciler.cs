using System.Globalization;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Bybit;

/// <summary>
/// Reads <c>/v5/execution/list</c> from the newest stored fill onwards (cursor-paginated, in windows of at most
/// 7 days as Bybit requires) and delivers it to the fills path, so executions missed while the stream was down
/// are stored; the sink's idempotence on exec id keeps anything from being stored twice.
/// </summary>
internal sealed class BybitReconciler(
    BybitRestClient rest,
    BybitServerClock clock,
    IFillStore fills,
    BybitExecutionDelivery delivery,
    IOptions<BybitOptions> options,
    ILogger<BybitReconciler> log)
{
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(5); // clock skew between push order and execTime
    private static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7) - TimeSpan.FromMilliseconds(1);
    private const int BatchSize = 200;

    /// <summary>Reconciles; returns how many executions were handed to the sink.</summary>
    public async Task<int> ReconcileAsync(CancellationToken ct)
    {
        var stored = await fills.LastExecutionTimeAsync(ct).ConfigureAwait(false);
        var seen = delivery.NewestDelivered;
        var now = BybitJson.FromMs(clock.NowMs);
        var from = (stored, seen) switch
        {
            ({ } a, { } b) => a < b ? a : b,
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => now - options.Value.InitialReconcileLookback,
        } - Overlap;
        var to = now + TimeSpan.FromMinutes(1);

        var all = new Dictionary<string, ExecutionReport>(StringComparer.Ordinal);
        foreach (var category in new[] { OrderCategory.Linear, OrderCategory.Spot })
            for (var start = from; start < to; start += MaxWindow + TimeSpan.FromMilliseconds(1))
            {
                var end = start + MaxWindow < to ? start + MaxWindow : to;
                await ReadWindowAsync(category, start, end, all, ct).ConfigureAwait(false);
            }

        var ordered = all.Values.OrderBy(e => e.ExecTime).ThenBy(e => e.ExecId, StringComparer.Ordinal).ToList();
        var handed = 0;
        for (var i = 0; i < ordered.Count; i += BatchSize)
            handed += await delivery.DeliverAsync(ordered.GetRange(i, Math.Min(BatchSize, ordered.Count - i)), ct).ConfigureAwait(false);
        log.LogInformation("Bybit reconciliation from {From:o}: {Found} executions found, {Delivered} delivered to the fills path", from, ordered.Count, handed);
        return handed;
    }

    private async Task ReadWindowAsync(OrderCategory category, DateTimeOffset start, DateTimeOffset end, Dictionary<string, ExecutionReport> into, CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var r = await rest.GetAsync("/v5/execution/list", BybitRestClient.Query(
                ("category", BybitOrderBuilder.Category(category)),
                ("startTime", start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                ("endTime", end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)),
                ("limit", "100"),
                ("cursor", cursor)), ct).ConfigureAwait(false);
            if (!r.Ok)
                throw new ExchangeException($"Bybit refused the execution history: {r.RetMsg} ({r.RetCode}).", r.RetCode.ToString(CultureInfo.InvariantCulture));
            foreach (var item in r.Result.Items("list"))
                // Keyed by exec id across pages and windows; a row without one (dead-lettered later) by its position.
                if (BybitMapping.ToExecution(item, category) is { } e) into.TryAdd(e.ExecId.Length > 0 ? e.ExecId : $"(no exec id) {category} {into.Count}", e);
            cursor = r.Result.Str("nextPageCursor");
        } while (cursor is not null);
    }
}
