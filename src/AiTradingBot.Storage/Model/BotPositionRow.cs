namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>bot_positions</c>: the fills path's signed position per bot and symbol.</summary>
internal sealed class BotPositionRow
{
    public string BotId { get; set; } = "";
    public string Symbol { get; set; } = "";
    public decimal Qty { get; set; }
    public decimal AvgPrice { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
