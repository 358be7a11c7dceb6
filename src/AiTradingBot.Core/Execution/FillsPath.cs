using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Execution;

/// <summary>
/// The one ingestion path for paper and live executions: store (idempotent on exec id), publish the per-bot
/// positions strategies read, and notify. Only this path writes fills.
/// </summary>
public sealed class FillsPath(IFillStore fills, IPositionPublisher positions, NotificationHub notifications) : IExecutionSink
{
    /// <inheritdoc />
    public async Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
    {
        if (executions.Count == 0) return;
        var result = await fills.IngestAsync(executions.Select(InQuote).ToList(), ct).ConfigureAwait(false);
        // The seed's position:{bot_id}:{symbol} contract has no category: strategies read their linear positions there,
        // and a spot holding on the same symbol must not overwrite them.
        var linear = result.ChangedPositions.Where(p => p.Category == OrderCategory.Linear).ToList();
        if (linear.Count > 0) await positions.PublishAsync(linear, ct).ConfigureAwait(false);
        foreach (var f in result.NewFills.Take(20))
        {
            var text = $"💱 Fill [{f.BotId}] {(f.Side == OrderSide.Buy ? "BUY" : "SELL")} {Format.Qty(f.Qty)} {f.Symbol} @ {Format.Price(f.Price)} fee {Format.Money(f.Fee)}"
                       + (f.Closing ? $" · realized {Format.Signed(f.RealizedPnl)}" : "");
            await notifications.PublishAsync(new Notification(NotificationKind.Fill, text, HtmlMarkup.Instance.Escape(text)), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A fee charged in the base coin (a Bybit spot buy pays its fee in the coin bought) is converted to the quote coin
    /// at the fill price, so PnL, fees and the daily loss limit add up in USDT.
    /// </summary>
    public static ExecutionReport InQuote(ExecutionReport e)
    {
        var baseCoin = Market.SymbolResolver.BaseOf(e.Symbol);
        return string.Equals(e.FeeCurrency, baseCoin, StringComparison.OrdinalIgnoreCase) && baseCoin.Length < e.Symbol.Length
            ? e with { Fee = e.Fee * e.Price, FeeCurrency = Market.SymbolResolver.QuoteOf(e.Symbol) }
            : e;
    }
}
