namespace AiTradingBot.Core.Trading;

/// <summary>
/// Turns an order's size into what the venue accepts: notional → quantity at the reference price, quantity rounded
/// DOWN to the step, prices to the tick; and says clearly when the result cannot be sent.
/// </summary>
public static class OrderSizer
{
    /// <summary>Rounds a quantity down to a step.</summary>
    public static decimal RoundQty(decimal qty, decimal step) => step <= 0 ? qty : Math.Floor(qty / step) * step;

    /// <summary>Rounds a price to the nearest tick.</summary>
    public static decimal RoundPrice(decimal price, decimal tick) => tick <= 0 ? price : Math.Round(price / tick, MidpointRounding.AwayFromZero) * tick;

    /// <summary>Rounds a price to a tick in one direction: <paramref name="up"/> to the tick at or above, else at or below.</summary>
    public static decimal RoundPrice(decimal price, decimal tick, bool up) =>
        tick <= 0 ? price : (up ? Math.Ceiling(price / tick) : Math.Floor(price / tick)) * tick;

    /// <summary>The quantity to send, or an error when it is below the venue's minimums.</summary>
    public static (decimal Qty, string? Error) Size(decimal? qty, decimal? notional, decimal referencePrice, InstrumentRules rules)
    {
        var raw = qty ?? notional!.Value / referencePrice;
        var rounded = RoundQty(raw, rules.QtyStep);
        if (rounded <= 0 || rounded < rules.MinQty)
            return (rounded, $"{Plans.PlanJson.Normalize(Math.Round(raw, 12))} {rules.Symbol} rounds down to {Plans.PlanJson.Normalize(rounded)}, below the minimum order of {Plans.PlanJson.Normalize(rules.MinQty)} {Market.SymbolResolver.BaseOf(rules.Symbol)} (step {Plans.PlanJson.Normalize(rules.QtyStep)}); nothing was sent.");
        if (rules.MinNotional > 0 && rounded * referencePrice < rules.MinNotional)
            return (rounded, $"The order is worth {Math.Round(rounded * referencePrice, 2)} USDT, below {rules.Symbol}'s minimum of {rules.MinNotional} USDT.");
        return (Plans.PlanJson.Normalize(rounded), null);
    }
}
