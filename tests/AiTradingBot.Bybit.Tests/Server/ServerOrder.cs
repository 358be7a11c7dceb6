namespace AiTradingBot.Bybit.Tests.Server;

/// <summary>An order the test server holds, with the exact body it was created from.</summary>
public sealed class ServerOrder
{
    public required string OrderId { get; init; }
    public required string OrderLinkId { get; init; }
    public required string Category { get; init; }
    public required string Symbol { get; init; }
    public required string Side { get; init; }
    public required string OrderType { get; init; }
    public required decimal Qty { get; init; }
    public decimal? Price { get; init; }
    public decimal? TriggerPrice { get; init; }
    public int? TriggerDirection { get; init; }
    public bool ReduceOnly { get; init; }
    /// <summary>Spot order kind as Bybit files it: Order (normal), StopOrder (conditional) or tpslOrder.</summary>
    public string OrderFilter { get; init; } = "Order";
    public required string Body { get; init; }
    public required long CreatedTime { get; init; }
    public string Status { get; set; } = "New";
    public decimal CumExecQty { get; set; }
    public decimal? AvgPrice { get; set; }

    public bool Open => Status is "New" or "PartiallyFilled" or "Untriggered";
}
