using System.Net;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Core.Execution;

/// <summary>
/// The one ingestion path for paper and live executions: store (idempotent on exec id), publish the per-bot
/// positions strategies read, and notify. Only this path writes fills. An invalid execution is dead-lettered by the
/// store and the admins hear of it once, in one notice per batch.
/// </summary>
/// <param name="source">The <c>source</c> metric label; by default the exchange's venue ("paper", "bybit").</param>
public sealed class FillsPath(IFillStore fills, IPositionPublisher positions, NotificationHub notifications, TimeProvider? time = null,
    IServiceProvider? services = null, string? source = null) : IExecutionSink
{
    /// <summary>How many dead letters one notice names; the rest are counted.</summary>
    public const int NoticeExamples = 5;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    // The exchange is resolved on first use: it takes this sink in its constructor (paper), so it cannot be ours.
    private string? _source = source;

    /// <inheritdoc />
    public async Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
    {
        if (executions.Count == 0) return;
        var result = await fills.IngestAsync(executions.Select(e => e is null ? e! : InQuote(e)).ToList(), ct).ConfigureAwait(false);
        Record(result);
        // The seed's position:{bot_id}:{symbol} contract has no category: strategies read their linear positions there,
        // and a spot holding on the same symbol must not overwrite them.
        var linear = result.ChangedPositions.Where(p => p.Category == OrderCategory.Linear).ToList();
        if (linear.Count > 0) await positions.PublishAsync(linear, ct).ConfigureAwait(false);
        if (result.DeadLettered.Count > 0) await NotifyDeadLettersAsync(result, ct).ConfigureAwait(false);
        foreach (var f in result.NewFills.Take(20))
        {
            var text = $"💱 Fill [{f.BotId}] {(f.Side == OrderSide.Buy ? "BUY" : "SELL")} {Format.Qty(f.Qty)} {f.Symbol} @ {Format.Price(f.Price)} fee {Format.Money(f.Fee)}"
                       + (f.Closing ? $" · realized {Format.Signed(f.RealizedPnl)}" : "");
            await notifications.PublishAsync(new Notification(NotificationKind.Fill, text, HtmlMarkup.Instance.Escape(text)), ct).ConfigureAwait(false);
        }
    }

    /// <summary>aitradingbot_fills_ingested_total{source}, aitradingbot_fill_ingest_lag_seconds, aitradingbot_fills_dead_lettered_total.</summary>
    private void Record(FillIngestResult result)
    {
        if (result.NewFills.Count > 0)
        {
            var source = Source();
            AiTradingBotTelemetry.FillsIngested.Add(result.NewFills.Count, new KeyValuePair<string, object?>("source", source));
            // The store has committed when it returns: the lag ends now.
            var committed = _time.GetUtcNow();
            foreach (var f in result.NewFills)
                AiTradingBotTelemetry.FillIngestLag.Record(Math.Max(0, (committed - f.ExecTime).TotalSeconds), new KeyValuePair<string, object?>("source", source));
        }
        if (result.DeadLettered.Count > 0)
        {
            foreach (var kind in result.DeadLettered.GroupBy(d => d.Kind, StringComparer.Ordinal))
                AiTradingBotTelemetry.FillsDeadLettered.Add(kind.Count(), new KeyValuePair<string, object?>("source", Source()), new KeyValuePair<string, object?>("kind", kind.Key));
        }
    }

    /// <summary>The venue label of the fills' source: "paper", "bybit", or "unknown" without an exchange.</summary>
    private string Source()
    {
        if (_source is { } s) return s;
        var venue = services?.GetService<IExchange>() is { } exchange ? (exchange.Mode.Live ? exchange.Mode.Venue : "paper") : "unknown";
        return _source = venue.ToLowerInvariant();
    }

    /// <summary>One notice per batch, grouped by kind: an operator reads one message, not one per bad row.</summary>
    private async Task NotifyDeadLettersAsync(FillIngestResult result, CancellationToken ct)
    {
        var dead = result.DeadLettered;
        var kinds = string.Join(", ", dead.GroupBy(d => d.Kind, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
        var examples = string.Join("; ", dead.Take(NoticeExamples).Select(d => d.Reason));
        var more = dead.Count > NoticeExamples ? $" (and {dead.Count - NoticeExamples} more)" : "";
        var text = $"{dead.Count} execution{(dead.Count == 1 ? "" : "s")} could not be stored and went to the fill dead letters ({kinds}): {examples}{more}. "
                   + $"The rest of the batch was stored ({result.NewFills.Count} new fill{(result.NewFills.Count == 1 ? "" : "s")}). "
                   + "Positions and PnL leave these out: check them on the venue.";
        await notifications.PublishAsync(new Notification(NotificationKind.System, "⚠️ " + text, "⚠️ " + WebUtility.HtmlEncode(text)), ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A fee charged in the base coin (a Bybit spot buy pays its fee in the coin bought) is converted to the quote coin
    /// at the fill price, so PnL, fees and the daily loss limit add up in USDT.
    /// </summary>
    public static ExecutionReport InQuote(ExecutionReport e)
    {
        if (string.IsNullOrEmpty(e.Symbol)) return e;
        var baseCoin = Market.SymbolResolver.BaseOf(e.Symbol);
        return string.Equals(e.FeeCurrency, baseCoin, StringComparison.OrdinalIgnoreCase) && baseCoin.Length < e.Symbol.Length
            ? e with { Fee = e.Fee * e.Price, FeeCurrency = Market.SymbolResolver.QuoteOf(e.Symbol) }
            : e;
    }
}
