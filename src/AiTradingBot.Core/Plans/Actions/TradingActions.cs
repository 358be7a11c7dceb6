using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans.Actions;

/// <summary>Place an order.</summary>
[Action("order.place", Gated = true, Slash = "buy", SlashUsage = "<qty> <symbol> [price]")]
[Description("Place an order: market, limit (when a price is given) or conditional (with a trigger), with optional take-profit, stop-loss and leverage. Give exactly one of qty or notional.")]
public sealed record OrderPlaceArgs(
    [property: Description("Exchange symbol, e.g. BTCUSDT."), SymbolRef] string Symbol,
    [property: Description("buy (long) or sell (short).")] OrderSide Side,
    [property: Description("market, or limit when a price is given.")] OrderType Type = OrderType.Market,
    [property: Description("Quantity in base units, e.g. 0.1 for 0.1 BTC.")] decimal? Qty = null,
    [property: Description("Order value in quote units (USDT), e.g. 500 for $500 of ETH.")] decimal? Notional = null,
    [property: Description("Limit price; only with type limit.")] decimal? Price = null,
    [property: Description("Conditional trigger: place when the price crosses this level.")] OrderTrigger? Trigger = null,
    [property: Description("Take-profit price.")] decimal? TakeProfit = null,
    [property: Description("Stop-loss price.")] decimal? StopLoss = null,
    [property: Description("Leverage multiplier for linear contracts."), Range(1, 125)] int? Leverage = null,
    [property: Description("Only reduce an existing position.")] bool ReduceOnly = false,
    [property: Description("linear (perpetual), or spot only when the user says spot.")] OrderCategory Category = OrderCategory.Linear) : ActionArgs;

/// <summary>Cancel open orders.</summary>
[Action("order.cancel", Gated = true, Slash = "cancel", SlashUsage = "[symbol]")]
[Description("Cancel open orders: all, those on one symbol, or one order by id.")]
public sealed record OrderCancelArgs(
    [property: Description("Symbol whose orders to cancel; omitted means all symbols."), SymbolRef] string? Symbol = null,
    [property: Description("Exchange order id of one order to cancel.")] string? OrderId = null) : ActionArgs;

/// <summary>List open orders.</summary>
[Action("order.list", Slash = "orders", SlashUsage = "[symbol]")]
[Description("List open orders.")]
public sealed record OrderListArgs(
    [property: Description("Only orders on this symbol."), SymbolRef] string? Symbol = null) : ActionArgs;

/// <summary>Close (part of) a position.</summary>
[Action("position.close", Gated = true, Slash = "close", SlashUsage = "<symbol|all> [percent]")]
[Description("Close a position (or all) with a reduce-only market order.")]
public sealed record PositionCloseArgs(
    [property: Description("Symbol of the position, or \"all\"."), SymbolRef(AllowAll = true)] string Symbol,
    [property: Description("Percent of the position to close."), Range(1, 100)] decimal Percent = 100) : ActionArgs;
