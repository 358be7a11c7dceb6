using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Validation;

namespace AiTradingBot.Core.Trading;

/// <summary>An order step made ready for the venue: sized, rounded, with its client order id.</summary>
public sealed record PreparedOrder(OrderRequest? Request, decimal ReferencePrice, decimal EstimatedNotional, string? Error);

/// <summary>
/// Turns an <see cref="OrderPlaceArgs"/> into an <see cref="OrderRequest"/> using the instrument rules: the same
/// code builds the confirmation card (so it shows the rounded values) and the order that is sent.
/// </summary>
public static class OrderPreparer
{
    /// <summary>Prepares an order step against a market snapshot.</summary>
    public static PreparedOrder Prepare(OrderPlaceArgs a, MarketSnapshot market, string botId, string reference, int stepIndex)
    {
        if (market.Errors.TryGetValue(a.Symbol, out var error)) return new PreparedOrder(null, 0, 0, error);
        if (!market.Instruments.TryGetValue(a.Symbol, out var rules) || market.LastPrice(a.Symbol) is not { } last)
            return new PreparedOrder(null, 0, 0, $"No market data for {a.Symbol}.");
        var priceRef = a.Price ?? a.Trigger?.Price ?? last;
        var (qty, sizeError) = OrderSizer.Size(a.Qty, a.Notional, priceRef, rules);
        var notional = qty * priceRef;
        if (sizeError is not null) return new PreparedOrder(null, priceRef, notional, sizeError);
        // Rounded toward the safe side and never beyond the user's price: a buy limit down (never pays more), a sell limit
        // up (never sells for less), a "below" trigger down and an "above" trigger up (never fires before the level the
        // user named). Take-profit and stop-loss move toward the entry: a stop closes no later, a target no farther away.
        decimal? Tick(decimal? p, bool up) => p is { } v ? PlanJson.Normalize(OrderSizer.RoundPrice(v, rules.TickSize, up)) : null;
        var buy = a.Side == OrderSide.Buy;
        var request = new OrderRequest(
            ClientOrderIds.Create(botId, "order", reference, stepIndex), botId, a.Symbol, a.Category, a.Side, a.Type, qty,
            Tick(a.Price, up: !buy), a.Trigger is { } t ? t with { Price = Tick(t.Price, up: t.Direction == TriggerDirection.Above)!.Value } : null,
            Tick(a.TakeProfit, up: !buy), Tick(a.StopLoss, up: buy), a.Leverage, a.ReduceOnly);
        return new PreparedOrder(request, priceRef, notional, null);
    }
}
