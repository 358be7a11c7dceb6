using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Paper;

/// <summary>A paper linear position; TP/SL ride on the position as on Bybit.</summary>
public sealed class PaperPosition
{
    /// <summary>Signed quantity: positive long, negative short.</summary>
    public decimal Qty { get; set; }
    /// <summary>Average entry price.</summary>
    public decimal AveragePrice { get; set; }
    /// <summary>Leverage of the position.</summary>
    public int Leverage { get; set; } = 1;
    /// <summary>Take-profit price, if set.</summary>
    public decimal? TakeProfit { get; set; }
    /// <summary>Stop-loss price, if set.</summary>
    public decimal? StopLoss { get; set; }
    /// <summary>Bot that opened it (fills name it).</summary>
    public string BotId { get; set; } = "manual";
}

/// <summary>A resting or untriggered paper order.</summary>
public sealed class PaperOrder
{
    /// <summary>Exchange order id.</summary>
    public string Id { get; set; } = "";
    /// <summary>The request as accepted.</summary>
    public OrderRequest Request { get; set; } = null!;
    /// <summary>Untriggered until its trigger fires, then New.</summary>
    public OrderStatus Status { get; set; }
    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Everything the paper account is: saved as JSON so chat and ask keep paper state across runs.</summary>
public sealed class PaperAccountState
{
    /// <summary>USDT wallet balance (realized PnL and fees included).</summary>
    public decimal Cash { get; set; }
    /// <summary>Spot holdings by coin.</summary>
    public Dictionary<string, decimal> Holdings { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Linear positions by symbol.</summary>
    public Dictionary<string, PaperPosition> Positions { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Open orders.</summary>
    public List<PaperOrder> Orders { get; set; } = [];
    /// <summary>Results by client order id (idempotency: an order is placed at most once).</summary>
    public Dictionary<string, OrderResult> Placed { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Sequence for order and execution ids.</summary>
    public long Sequence { get; set; }

    /// <summary>Signed side of an order.</summary>
    public static decimal Signed(OrderSide side, decimal qty) => side == OrderSide.Buy ? qty : -qty;
}
