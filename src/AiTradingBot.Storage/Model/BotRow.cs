namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>bots</c>: a trading bot the operator runs.</summary>
internal sealed class BotRow
{
    public string BotId { get; set; } = "";
    public string Name { get; set; } = "";
    public string? System { get; set; }
    public string? Strategy { get; set; }
}
