using AiTradingBot.Core.Plans;

namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>report_schedules</c>: one recurring report per kind and chat.</summary>
internal sealed class ReportScheduleRow
{
    public ReportKind Kind { get; set; }
    public string ChatId { get; set; } = "";
    public string Cron { get; set; } = "";
    public string TimeZone { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
