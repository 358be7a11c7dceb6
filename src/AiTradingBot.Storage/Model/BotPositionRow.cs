namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>bot_positions</c>: the fills path's signed position per bot, symbol and category.</summary>
internal sealed class BotPositionRow
{
    public string BotId { get; set; } = "";
    public string Symbol { get; set; } = "";
    public AiTradingBot.Core.Plans.OrderCategory Category { get; set; }
    public decimal Qty { get; set; }
    public decimal AvgPrice { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
