using System.ComponentModel;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans.Actions;

/// <summary>Send a report now.</summary>
[Action("report.send", Slash = "report", SlashUsage = "[daily|sitrep|pnl]")]
[Description("Send a report now: daily, sitrep or pnl.")]
public sealed record ReportSendArgs(
    [property: Description("daily, sitrep or pnl.")] ReportKind Kind = ReportKind.Daily) : ActionArgs;

/// <summary>Schedule a recurring report.</summary>
[Action("report.schedule", Slash = "schedule", SlashUsage = "<kind> <cron>", Effect = ActionEffect.Write)]
[Description("Schedule a recurring report to this chat with a 5-field cron expression in the configured time zone.")]
public sealed record ReportScheduleArgs(
    [property: Description("daily, sitrep or pnl.")] ReportKind Kind,
    [property: Description("5-field cron: minute hour day-of-month month day-of-week, e.g. \"0 8 * * *\".")] string Cron) : ActionArgs;

/// <summary>List scheduled reports.</summary>
[Action("report.list", Slash = "reports")]
[Description("List scheduled reports.")]
public sealed record ReportListArgs : ActionArgs;

/// <summary>Remove a scheduled report.</summary>
[Action("report.cancel", Slash = "unschedule", SlashUsage = "<kind>", Effect = ActionEffect.Write)]
[Description("Remove a scheduled report.")]
public sealed record ReportCancelArgs(
    [property: Description("daily, sitrep or pnl.")] ReportKind Kind) : ActionArgs;

/// <summary>What the assistant can do.</summary>
[Action("help", Slash = "help")]
[Description("What the assistant can do.")]
public sealed record HelpArgs : ActionArgs;
