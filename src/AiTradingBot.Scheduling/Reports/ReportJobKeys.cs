using System.Text.Json;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>Names of report schedules, their Hangfire recurring jobs and the queue they run on.</summary>
internal static class ReportJobKeys
{
    /// <summary>The prefix of every report schedule's recurring job id.</summary>
    public const string Prefix = "report:";

    /// <summary>The Hangfire queue report jobs run on.</summary>
    public const string Queue = "reports";

    /// <summary>The chat id of schedules that go to every admin (<c>Reports:Schedules</c> entries without a chat).</summary>
    public const string Admins = "admins";

    /// <summary>Suffix of the second recurring job of a schedule restricting both day fields (its day-of-week half).</summary>
    public const string WeekdaysSuffix = ":weekdays";

    /// <summary>The schedule of a chat's report kind, also the id of its (first) recurring job: <c>report:&lt;chat&gt;:&lt;kind&gt;</c>.</summary>
    public static string Id(ReportKind kind, string chatId) => $"{Prefix}{chatId}:{Name(kind)}";

    /// <summary>The recurring job ids of a schedule: itself, then its day-of-week half.</summary>
    public static IReadOnlyList<string> Parts(string scheduleId) => [scheduleId, scheduleId + WeekdaysSuffix];

    /// <summary>The kind as written in ids and job arguments (daily, sitrep, pnl).</summary>
    public static string Name(ReportKind kind) => JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());

    /// <summary>Parses a kind from job arguments.</summary>
    public static ReportKind ParseKind(string? name) =>
        Enum.TryParse<ReportKind>(name, true, out var kind) ? kind : throw new InvalidOperationException($"Unknown report kind '{name}' in the job storage.");
}
