using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>fills</c>: one execution with the realized PnL the fills path computed.</summary>
internal sealed class FillRow
{
    public string ExecId { get; set; } = "";
    public string OrderId { get; set; } = "";
    public string? ClientOrderId { get; set; }
    public string BotId { get; set; } = "";
    public string Symbol { get; set; } = "";
    public OrderCategory Category { get; set; }
    public OrderSide Side { get; set; }
    public decimal Price { get; set; }
    public decimal Qty { get; set; }
    public decimal Fee { get; set; }
    public string FeeCurrency { get; set; } = "";
    public DateTimeOffset ExecTime { get; set; }
    public decimal RealizedPnl { get; set; }
    public bool Closing { get; set; }
    public string? CloseReason { get; set; }
    public DateTimeOffset IngestedAt { get; set; }

    /// <summary>The port model.</summary>
    public Fill ToFill() => new(ExecId, OrderId, ClientOrderId, BotId, Symbol, Category, Side, Price, Qty, Fee, ExecTime, RealizedPnl, Closing, CloseReason);

    /// <summary>A row for a computed fill.</summary>
    public static FillRow From(Fill f, string feeCurrency, DateTimeOffset ingestedAt) => new()
    {
        ExecId = f.ExecId, OrderId = f.OrderId, ClientOrderId = f.ClientOrderId, BotId = f.BotId, Symbol = f.Symbol,
        Category = f.Category, Side = f.Side, Price = f.Price, Qty = f.Qty, Fee = f.Fee, FeeCurrency = feeCurrency,
        ExecTime = f.ExecTime, RealizedPnl = f.RealizedPnl, Closing = f.Closing, CloseReason = f.CloseReason, IngestedAt = ingestedAt,
    };
}
