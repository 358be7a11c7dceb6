using AiTradingBot.Core.Plans;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>A report schedule from configuration (<c>Reports:Schedules:N</c>).</summary>
public sealed class ReportScheduleDefault
{
    /// <summary>daily, sitrep or pnl.</summary>
    public ReportKind Kind { get; set; } = ReportKind.Daily;

    /// <summary>5-field cron, e.g. <c>0 8 * * *</c>.</summary>
    public string Cron { get; set; } = "";

    /// <summary>The chat to send to; null or empty sends to every admin.</summary>
    public string? ChatId { get; set; }
}
