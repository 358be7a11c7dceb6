using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Trading;

/// <summary>Which exchange orders go to: paper or live, and which environment.</summary>
public sealed record ExchangeMode(bool Live, string Venue, string Environment)
{
    /// <summary>PAPER, or LIVE with venue and environment, for every reply.</summary>
    public string Label => Live ? $"LIVE ({Venue} {Environment})" : "PAPER";
}

/// <summary>An order ready for the exchange: quantity in base units, client order id assigned.</summary>
public sealed record OrderRequest(
    string ClientOrderId,
    string BotId,
    string Symbol,
    OrderCategory Category,
    OrderSide Side,
    OrderType Type,
    decimal Qty,
    decimal? Price = null,
    OrderTrigger? Trigger = null,
    decimal? TakeProfit = null,
    decimal? StopLoss = null,
    int? Leverage = null,
    bool ReduceOnly = false);

/// <summary>Order status as the exchange reports it; <see cref="Sending"/> is the journal's own: written before the order goes out.</summary>
public enum OrderStatus { New, PartiallyFilled, Filled, Cancelled, Rejected, Untriggered, Triggered, Deactivated, Sending }

/// <summary>Result of placing an order: accepted with ids and status, or rejected with a reason.</summary>
public sealed record OrderResult(
    bool Accepted,
    string? OrderId,
    string ClientOrderId,
    OrderStatus Status,
    decimal FilledQty,
    decimal? AveragePrice,
    string? RejectReason = null,
    bool AlreadyExisted = false)
{
    /// <summary>The journal row of an order about to be sent: no venue answer yet.</summary>
    public static OrderResult Sending(string clientOrderId) => new(false, null, clientOrderId, OrderStatus.Sending, 0m, null);
}

/// <summary>An open (resting or conditional) order.</summary>
public sealed record OpenOrder(
    string OrderId,
    string? ClientOrderId,
    string Symbol,
    OrderCategory Category,
    OrderSide Side,
    OrderType Type,
    decimal Qty,
    decimal FilledQty,
    decimal? Price,
    OrderTrigger? Trigger,
    bool ReduceOnly,
    OrderStatus Status,
    DateTimeOffset CreatedAt);

/// <summary>Result of a cancel request.</summary>
public sealed record CancelResult(IReadOnlyList<string> CancelledOrderIds);

/// <summary>One order group of a cancel-everything (e.g. "linear USDT", "spot StopOrder"): what it cancelled, or why it failed.</summary>
public sealed record CancelGroupResult(string Group, IReadOnlyList<string> CancelledOrderIds, string? Error = null);

/// <summary>An open position. <see cref="Qty"/> is signed: positive long, negative short.</summary>
public sealed record Position(
    string Symbol,
    OrderCategory Category,
    decimal Qty,
    decimal AveragePrice,
    decimal MarkPrice,
    decimal UnrealizedPnl,
    int Leverage)
{
    /// <summary>Absolute position value at the mark price.</summary>
    public decimal Notional => Math.Abs(Qty) * MarkPrice;
}

/// <summary>One coin in the wallet.</summary>
public sealed record CoinBalance(string Coin, decimal WalletBalance, decimal Available, decimal UsdValue);

/// <summary>Wallet balances and equity.</summary>
public sealed record WalletSnapshot(decimal Equity, decimal AvailableBalance, decimal UnrealizedPnl, IReadOnlyList<CoinBalance> Coins);

/// <summary>Last price and 24h change.</summary>
public sealed record Ticker(string Symbol, decimal LastPrice, decimal? Change24hPercent, decimal? High24h, decimal? Low24h, DateTimeOffset Time);

/// <summary>What an exchange accepts for one instrument.</summary>
public sealed record InstrumentRules(
    string Symbol,
    OrderCategory Category,
    decimal QtyStep,
    decimal MinQty,
    decimal MinNotional,
    decimal TickSize,
    int MaxLeverage);

/// <summary>One execution (fill) as reported by the exchange: the input of the fills path.</summary>
public sealed record ExecutionReport(
    string ExecId,
    string OrderId,
    string? ClientOrderId,
    string BotId,
    string Symbol,
    OrderCategory Category,
    OrderSide Side,
    decimal Price,
    decimal Qty,
    decimal Fee,
    string FeeCurrency,
    DateTimeOffset ExecTime,
    string? CloseReason = null);

/// <summary>A stored fill with the realized PnL computed by the fills path.</summary>
public sealed record Fill(
    string ExecId,
    string OrderId,
    string? ClientOrderId,
    string BotId,
    string Symbol,
    OrderCategory Category,
    OrderSide Side,
    decimal Price,
    decimal Qty,
    decimal Fee,
    DateTimeOffset ExecTime,
    decimal RealizedPnl,
    bool Closing,
    string? CloseReason);

/// <summary>
/// The fills path's per-bot position, kept per (bot, symbol, category): spot holdings and linear positions on one symbol
/// never net. Linear ones are what the seed's Redis contract <c>position:{bot_id}:{symbol}</c> carries.
/// </summary>
public sealed record BotPosition(string BotId, string Symbol, decimal Qty, decimal AveragePrice, decimal UnrealizedPnl, OrderCategory Category = OrderCategory.Linear);
