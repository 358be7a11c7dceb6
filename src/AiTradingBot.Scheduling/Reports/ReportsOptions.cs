using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>Scheduled reports (<c>Reports</c> section).</summary>
public sealed class ReportsOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Reports";

    /// <summary>IANA zone schedules are evaluated in; empty falls back to <c>Assistant:TimeZone</c> (itself UTC by default).</summary>
    public string? TimeZone { get; set; }

    /// <summary>A report missed while no instance ran is sent late once on start, unless it is older than this.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxLateness { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Schedules created (or updated) at start; a null chat id means every admin.</summary>
    public List<ReportScheduleDefault> Schedules { get; set; } = [];
}
