using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>orders</c>: an order the assistant sent and the venue's latest answer.</summary>
internal sealed class OrderRow
{
    public long Id { get; set; }
    public string ClientOrderId { get; set; } = "";
    public string? ExchangeOrderId { get; set; }
    public string BotId { get; set; } = "";
    public string Symbol { get; set; } = "";
    public OrderCategory Category { get; set; }
    public OrderSide Side { get; set; }
    public OrderType Type { get; set; }
    public decimal Qty { get; set; }
    public decimal? Price { get; set; }
    public decimal? TriggerPrice { get; set; }
    public TriggerDirection? TriggerDirection { get; set; }
    public decimal? TakeProfit { get; set; }
    public decimal? StopLoss { get; set; }
    public int? Leverage { get; set; }
    public bool ReduceOnly { get; set; }
    public bool Accepted { get; set; }
    public OrderStatus Status { get; set; }
    public decimal FilledQty { get; set; }
    public decimal? AvgPrice { get; set; }
    public string? RejectReason { get; set; }
    public bool AlreadyExisted { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
