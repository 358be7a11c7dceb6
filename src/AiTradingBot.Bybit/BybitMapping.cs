using System.Text.Json;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>Maps Bybit V5 order, position, wallet, ticker, instrument and execution JSON to the core's trading models.</summary>
internal static class BybitMapping
{
    /// <summary>Execution types that move a position (funding, settlement and delivery do not).</summary>
    private static readonly HashSet<string> FillExecTypes = new(StringComparer.OrdinalIgnoreCase) { "Trade", "AdlTrade", "BustTrade", "BlockTrade", "MovePosition" };

    public static OrderCategory? ParseCategory(string? c) => c switch
    {
        "linear" => OrderCategory.Linear,
        "spot" => OrderCategory.Spot,
        _ => null,
    };

    public static OrderSide ParseSide(string? s) => string.Equals(s, "Sell", StringComparison.OrdinalIgnoreCase) ? OrderSide.Sell : OrderSide.Buy;

    public static OrderStatus ParseStatus(string? s) => s switch
    {
        "New" or "Created" => OrderStatus.New,
        "PartiallyFilled" or "Active" => OrderStatus.PartiallyFilled,
        "Filled" => OrderStatus.Filled,
        "Cancelled" or "PartiallyFilledCanceled" => OrderStatus.Cancelled,
        "Rejected" => OrderStatus.Rejected,
        "Untriggered" => OrderStatus.Untriggered,
        "Triggered" => OrderStatus.Triggered,
        "Deactivated" => OrderStatus.Deactivated,
        _ => OrderStatus.New,
    };

    /// <summary>An order as found by a lookup, as the result of placing it.</summary>
    public static OrderResult ToOrderResult(JsonElement o, string clientOrderId, bool alreadyExisted)
    {
        var status = ParseStatus(o.Str("orderStatus"));
        var avg = o.Dec("avgPrice");
        return new OrderResult(
            Accepted: status != OrderStatus.Rejected,
            OrderId: o.Str("orderId"),
            ClientOrderId: clientOrderId,
            Status: status,
            FilledQty: o.Dec("cumExecQty") ?? 0m,
            AveragePrice: avg is > 0 ? avg : null,
            RejectReason: status == OrderStatus.Rejected ? o.Str("rejectReason") ?? "rejected by Bybit" : null,
            AlreadyExisted: alreadyExisted);
    }

    public static OpenOrder ToOpenOrder(JsonElement o, OrderCategory category)
    {
        var trigger = o.Dec("triggerPrice") is { } tp && tp > 0
            ? new OrderTrigger(tp, o.Long("triggerDirection") == 2 ? TriggerDirection.Below : TriggerDirection.Above)
            : null;
        var price = o.Dec("price");
        return new OpenOrder(
            OrderId: o.Str("orderId") ?? "",
            ClientOrderId: o.Str("orderLinkId"),
            Symbol: o.Str("symbol") ?? "",
            Category: category,
            Side: ParseSide(o.Str("side")),
            Type: o.Str("orderType") == "Limit" ? OrderType.Limit : OrderType.Market,
            Qty: o.Dec("qty") ?? 0m,
            FilledQty: o.Dec("cumExecQty") ?? 0m,
            Price: price is > 0 ? price : null,
            Trigger: trigger,
            ReduceOnly: o.Bool("reduceOnly"),
            Status: ParseStatus(o.Str("orderStatus")),
            CreatedAt: BybitJson.FromMs(o.Long("createdTime") ?? 0));
    }

    public static Position ToPosition(JsonElement p)
    {
        var size = p.Dec("size") ?? 0m;
        return new Position(
            Symbol: p.Str("symbol") ?? "",
            Category: OrderCategory.Linear,
            Qty: p.Str("side") == "Sell" ? -size : size,
            AveragePrice: p.Dec("avgPrice") ?? 0m,
            MarkPrice: p.Dec("markPrice") ?? 0m,
            UnrealizedPnl: p.Dec("unrealisedPnl") ?? 0m,
            Leverage: (int)(p.Dec("leverage") ?? 1m));
    }

    public static WalletSnapshot ToWallet(JsonElement account)
    {
        var coins = account.Items("coin").Select(c =>
        {
            var balance = c.Dec("walletBalance") ?? 0m;
            var available = c.Dec("availableToWithdraw") ?? balance - (c.Dec("locked") ?? 0m) - (c.Dec("totalOrderIM") ?? 0m) - (c.Dec("totalPositionIM") ?? 0m);
            return new CoinBalance(c.Str("coin") ?? "", balance, available, c.Dec("usdValue") ?? 0m);
        }).ToList();
        return new WalletSnapshot(
            Equity: account.Dec("totalEquity") ?? 0m,
            AvailableBalance: account.Dec("totalAvailableBalance") ?? 0m,
            UnrealizedPnl: account.Dec("totalPerpUPL") ?? 0m,
            Coins: coins);
    }

    public static Ticker ToTicker(JsonElement t, DateTimeOffset time) => new(
        Symbol: t.Str("symbol") ?? "",
        LastPrice: t.Dec("lastPrice") ?? 0m,
        Change24hPercent: t.Dec("price24hPcnt") is { } pc ? pc * 100m : null,
        High24h: t.Dec("highPrice24h"),
        Low24h: t.Dec("lowPrice24h"),
        Time: time);

    public static InstrumentRules ToRules(JsonElement i, OrderCategory category)
    {
        var lot = i.TryGetProperty("lotSizeFilter", out var l) ? l : default;
        var price = i.TryGetProperty("priceFilter", out var p) ? p : default;
        var leverage = i.TryGetProperty("leverageFilter", out var lf) ? lf : default;
        return category == OrderCategory.Spot
            ? new InstrumentRules(
                Symbol: i.Str("symbol") ?? "",
                Category: category,
                QtyStep: lot.Dec("basePrecision") ?? lot.Dec("qtyStep") ?? 0m,
                MinQty: lot.Dec("minOrderQty") ?? 0m,
                MinNotional: lot.Dec("minOrderAmt") ?? 0m,
                TickSize: price.Dec("tickSize") ?? 0m,
                MaxLeverage: 1)
            : new InstrumentRules(
                Symbol: i.Str("symbol") ?? "",
                Category: category,
                QtyStep: lot.Dec("qtyStep") ?? 0m,
                MinQty: lot.Dec("minOrderQty") ?? 0m,
                MinNotional: lot.Dec("minNotionalValue") ?? 0m,
                TickSize: price.Dec("tickSize") ?? 0m,
                MaxLeverage: (int)(leverage.Dec("maxLeverage") ?? 1m));
    }

    /// <summary>An execution (WebSocket push or <c>/v5/execution/list</c> row) as a fill, or null when it is not a trade.</summary>
    public static ExecutionReport? ToExecution(JsonElement e, OrderCategory? fallbackCategory = null)
    {
        var execType = e.Str("execType") ?? "Trade";
        if (!FillExecTypes.Contains(execType)) return null;
        // A fill with a field missing or unreadable is not dropped here: it goes on with the gap (empty id or symbol,
        // quantity or price 0, an undefined side or category) so the fills path dead-letters it with a reason and tells
        // the admins, instead of a real trade vanishing without a trace. A missing side is never read as Buy.
        var symbol = e.Str("symbol") ?? "";
        var linkId = e.Str("orderLinkId");
        return new ExecutionReport(
            ExecId: e.Str("execId") ?? "",
            OrderId: e.Str("orderId") ?? "",
            ClientOrderId: linkId,
            BotId: BybitOrderLinkIds.BotIdOf(linkId),
            Symbol: symbol,
            Category: ParseCategory(e.Str("category")) ?? fallbackCategory ?? UnknownCategory,
            Side: ExecutionSide(e.Str("side")),
            Price: e.Dec("execPrice") ?? 0m,
            Qty: e.Dec("execQty") ?? 0m,
            Fee: e.Dec("execFee") ?? 0m,
            FeeCurrency: e.Str("feeCurrency") ?? (symbol.Length > 0 ? SymbolResolver.QuoteOf(symbol) : ""),
            ExecTime: BybitJson.FromMs(e.Long("execTime") ?? 0),
            CloseReason: CloseReason(execType, e.Str("stopOrderType")));
    }

    // Out of the enums' range on purpose: ExecutionDefects reports an undefined side or category as missing.
    private const OrderCategory UnknownCategory = (OrderCategory)(-1);

    private static OrderSide ExecutionSide(string? s) =>
        string.Equals(s, "Buy", StringComparison.OrdinalIgnoreCase) ? OrderSide.Buy
        : string.Equals(s, "Sell", StringComparison.OrdinalIgnoreCase) ? OrderSide.Sell
        : (OrderSide)(-1);

    private static string? CloseReason(string execType, string? stopOrderType) => execType switch
    {
        "BustTrade" => "liquidation",
        "AdlTrade" => "adl",
        _ => stopOrderType switch
        {
            "TakeProfit" or "PartialTakeProfit" => "take_profit",
            "StopLoss" or "PartialStopLoss" => "stop_loss",
            "TrailingStop" => "trailing_stop",
            _ => null,
        },
    };
}
