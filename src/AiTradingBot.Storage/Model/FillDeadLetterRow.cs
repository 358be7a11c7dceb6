namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>fill_dead_letters</c>: an execution the fills path could not store, as received, and why.</summary>
internal sealed class FillDeadLetterRow
{
    public long Id { get; set; }
    public string DedupeKey { get; set; } = "";
    public string? ExecId { get; set; }
    public string Kind { get; set; } = "";
    public string Reason { get; set; } = "";
    public string RawEvent { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}
