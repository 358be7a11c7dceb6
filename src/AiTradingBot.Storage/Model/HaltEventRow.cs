namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>halt_events</c>: trading halted (killswitch, loss limit) or resumed, by whom and why. Append-only.</summary>
internal sealed class HaltEventRow
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public bool Halted { get; set; }
    public string Actor { get; set; } = "";
    public string Reason { get; set; } = "";
}
