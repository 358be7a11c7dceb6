using System.Text.Json;
using AiTradingBot.Core.Plans;
using Quartz;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>Names of report jobs, their triggers and their (string-only) job data.</summary>
internal static class ReportJobKeys
{
    /// <summary>The Quartz group of report jobs and their cron triggers.</summary>
    public const string Group = "reports";

    /// <summary>The Quartz group of one-off catch-up triggers (embedded store restored after a restart).</summary>
    public const string LateGroup = "reports-late";

    /// <summary>The chat id of schedules that go to every admin (<c>Reports:Schedules</c> entries without a chat).</summary>
    public const string Admins = "admins";

    /// <summary>Job data: report kind (camel case).</summary>
    public const string Kind = "kind";

    /// <summary>Job data: chat id.</summary>
    public const string ChatId = "chatId";

    /// <summary>Job data: the 5-field cron as the user gave it (normalized spacing).</summary>
    public const string Cron = "cron";

    /// <summary>Job data: the zone the cron is evaluated in.</summary>
    public const string TimeZone = "timeZone";

    /// <summary>Job data: <c>chat</c> or <c>config</c> (configuration-owned schedules are updated and removed at start).</summary>
    public const string Source = "source";

    /// <summary>Job data: the occurrence last sent (ISO 8601), so one occurrence is never sent twice.</summary>
    public const string LastScheduled = "lastScheduled";

    /// <summary>Trigger data of a catch-up trigger: the occurrence it stands for (ISO 8601).</summary>
    public const string ScheduledFor = "scheduledFor";

    /// <summary>The job of a chat's report kind.</summary>
    public static JobKey Job(ReportKind kind, string chatId) => new($"{Name(kind)}:{chatId}", Group);

    /// <summary>The i-th cron trigger of a job.</summary>
    public static TriggerKey Trigger(ReportKind kind, string chatId, int i) => new($"{Name(kind)}:{chatId}:{i}", Group);

    /// <summary>The catch-up trigger of a job.</summary>
    public static TriggerKey Late(ReportKind kind, string chatId) => new($"{Name(kind)}:{chatId}", LateGroup);

    /// <summary>The kind as written in job data and keys (daily, sitrep, pnl).</summary>
    public static string Name(ReportKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>Parses a kind from job data.</summary>
    public static ReportKind ParseKind(string? name) =>
        Enum.TryParse<ReportKind>(name, true, out var kind) ? kind : throw new InvalidOperationException($"Unknown report kind '{name}' in the job store.");
}
