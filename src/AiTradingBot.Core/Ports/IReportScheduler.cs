using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Ports;

/// <summary>A scheduled report.</summary>
public sealed record ReportSchedule(ReportKind Kind, string Cron, string ChatId, string TimeZone, DateTimeOffset? NextFire);

/// <summary>Recurring reports (Quartz in production, in-memory by default).</summary>
public interface IReportScheduler
{
    /// <summary>Adds or replaces the schedule of a report kind for a chat.</summary>
    Task<ReportSchedule> ScheduleAsync(ReportKind kind, string cron, string chatId, CancellationToken ct);

    /// <summary>Schedules, optionally for one chat.</summary>
    Task<IReadOnlyList<ReportSchedule>> ListAsync(string? chatId, CancellationToken ct);

    /// <summary>Removes a chat's schedule of a kind; true when one existed.</summary>
    Task<bool> CancelAsync(ReportKind kind, string chatId, CancellationToken ct);
}
