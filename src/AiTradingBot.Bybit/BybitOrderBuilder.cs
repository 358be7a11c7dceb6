using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>
/// Turns an <see cref="OrderRequest"/> into the exact <c>/v5/order/create</c> body, after refusing (with a reason a
/// person can act on) anything Bybit would reject or that does not match the instrument's rules.
/// </summary>
public static partial class BybitOrderBuilder
{
    [GeneratedRegex(@"^[A-Za-z0-9_-]{1,36}\z", RegexOptions.CultureInvariant)]
    private static partial Regex OrderLinkIdPattern();

    /// <summary>Whether a client order id is a valid Bybit <c>orderLinkId</c> (1–36 of letters, digits, '-' and '_').</summary>
    public static bool IsValidOrderLinkId(string? id) => id is not null && OrderLinkIdPattern().IsMatch(id);

    /// <summary>
    /// Why the order cannot be sent, or null. <paramref name="rules"/> are the instrument's (null: not listed);
    /// <paramref name="referencePrice"/> is used for the minimum-value check of market orders when known.
    /// </summary>
    public static string? Validate(OrderRequest o, InstrumentRules? rules, decimal? referencePrice = null)
    {
        if (!IsValidOrderLinkId(o.ClientOrderId))
            return $"The client order id '{Truncate(o.ClientOrderId)}' is not a valid Bybit orderLinkId (1 to 36 letters, digits, '-' or '_'); the order was not sent.";
        if (!SymbolResolver.IsWellFormed(o.Symbol)) return $"'{Truncate(o.Symbol)}' is not a well-formed symbol such as BTCUSDT.";
        if (rules is null) return $"Bybit does not list {o.Symbol} in {Category(o.Category)}.";
        if (o.Qty <= 0) return "The order quantity must be positive.";
        if (o.Type == OrderType.Limit && o.Price is not > 0) return "A limit order needs a positive price.";
        if (o.Type == OrderType.Market && o.Price is not null) return "A market order carries no price; use a limit order to set one.";
        if (o.Trigger is { Price: <= 0 }) return "The trigger price must be positive.";
        if (o.TakeProfit is <= 0) return "The take-profit price must be positive.";
        if (o.StopLoss is <= 0) return "The stop-loss price must be positive.";
        if (o.Category == OrderCategory.Spot)
        {
            if (o.ReduceOnly) return "Reduce-only applies to linear contracts, not spot.";
            if (o.Leverage is not null) return "Leverage applies to linear contracts, not spot.";
        }
        if (o.Leverage is { } lev && (lev < 1 || lev > rules.MaxLeverage))
            return $"Leverage {lev}x is outside 1x–{rules.MaxLeverage}x allowed on {o.Symbol}.";

        if (rules.QtyStep > 0 && o.Qty % rules.QtyStep != 0)
            return $"Quantity {BybitJson.Format(o.Qty)} is not a multiple of {o.Symbol}'s step {BybitJson.Format(rules.QtyStep)}.";
        if (o.Qty < rules.MinQty)
            return $"Quantity {BybitJson.Format(o.Qty)} is below {o.Symbol}'s minimum of {BybitJson.Format(rules.MinQty)}.";
        foreach (var (name, price) in new[] { ("Price", o.Price), ("Trigger price", o.Trigger?.Price), ("Take-profit", o.TakeProfit), ("Stop-loss", o.StopLoss) })
            if (price is { } p && rules.TickSize > 0 && p % rules.TickSize != 0)
                return $"{name} {BybitJson.Format(p)} is not a multiple of {o.Symbol}'s tick size {BybitJson.Format(rules.TickSize)}.";
        var reference = o.Price ?? o.Trigger?.Price ?? referencePrice;
        if (reference is { } rp && rules.MinNotional > 0 && !o.ReduceOnly && o.Qty * rp < rules.MinNotional)
            return $"Order value {BybitJson.Format(Math.Round(o.Qty * rp, 2))} is below {o.Symbol}'s minimum of {BybitJson.Format(rules.MinNotional)}.";
        return null;
    }

    /// <summary>The JSON body of <c>/v5/order/create</c>, fields in a fixed order; quantities and prices as strings.</summary>
    public static string BuildCreateBody(OrderRequest o)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("category", Category(o.Category));
            w.WriteString("symbol", o.Symbol);
            w.WriteString("side", o.Side == OrderSide.Buy ? "Buy" : "Sell");
            w.WriteString("orderType", o.Type == OrderType.Market ? "Market" : "Limit");
            w.WriteString("qty", BybitJson.Format(o.Qty));
            // Spot market buys are sized in the quote coin unless told otherwise; ours are always base units.
            if (o.Category == OrderCategory.Spot && o.Type == OrderType.Market) w.WriteString("marketUnit", "baseCoin");
            if (o.Price is { } price) w.WriteString("price", BybitJson.Format(price));
            if (o.Type == OrderType.Limit) w.WriteString("timeInForce", "GTC");
            if (o.Trigger is { } t)
            {
                w.WriteString("triggerPrice", BybitJson.Format(t.Price));
                if (o.Category == OrderCategory.Linear)
                {
                    w.WriteNumber("triggerDirection", t.Direction == TriggerDirection.Above ? 1 : 2);
                    w.WriteString("triggerBy", "LastPrice");
                }
                else
                {
                    w.WriteString("orderFilter", "StopOrder");
                }
            }
            if (o.TakeProfit is { } tp) w.WriteString("takeProfit", BybitJson.Format(tp));
            if (o.StopLoss is { } sl) w.WriteString("stopLoss", BybitJson.Format(sl));
            if (o.Category == OrderCategory.Linear && (o.TakeProfit is not null || o.StopLoss is not null))
            {
                w.WriteString("tpslMode", "Full");
                if (o.TakeProfit is not null) w.WriteString("tpTriggerBy", "LastPrice");
                if (o.StopLoss is not null) w.WriteString("slTriggerBy", "LastPrice");
            }
            if (o.ReduceOnly) w.WriteBoolean("reduceOnly", true);
            w.WriteString("orderLinkId", o.ClientOrderId);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The JSON body of <c>/v5/position/set-leverage</c> (same leverage both sides).</summary>
    public static string BuildSetLeverageBody(string symbol, int leverage)
    {
        var lev = leverage.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["category"] = "linear", ["symbol"] = symbol, ["buyLeverage"] = lev, ["sellLeverage"] = lev,
        });
    }

    /// <summary>Bybit's category name.</summary>
    public static string Category(OrderCategory c) => c == OrderCategory.Spot ? "spot" : "linear";

    private static string Truncate(string? s) => s is null ? "" : s.Length <= 48 ? s : s[..48] + "…";
}
