using AiTradingBot.Scheduling.Cron;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>Occurrences of a schedule by Hangfire's own rules (Cronos), so a run is matched to the occurrence Hangfire meant.</summary>
internal static class ReportOccurrence
{
    /// <summary>A run may be triggered a hair before the scheduled instant on a drifting clock.</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(2);

    /// <summary>The occurrence a run triggered at <paramref name="fired"/> stands for: the latest one at or before it, looking back at most <paramref name="window"/>; null if none.</summary>
    public static DateTimeOffset? ForFire(IReadOnlyList<string> cronosExpressions, TimeZoneInfo zone, DateTimeOffset fired, TimeSpan window) =>
        Latest(cronosExpressions, zone, fired + Tolerance, window + Tolerance);

    /// <summary>The latest occurrence after <paramref name="after"/> and at or before <paramref name="at"/>; null if none.</summary>
    public static DateTimeOffset? LatestBetween(IReadOnlyList<string> cronosExpressions, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset at) =>
        at > after ? Latest(cronosExpressions, zone, at, at - after) : null;

    private static DateTimeOffset? Latest(IReadOnlyList<string> cronosExpressions, TimeZoneInfo zone, DateTimeOffset at, TimeSpan window)
    {
        DateTimeOffset? latest = null;
        foreach (var expression in cronosExpressions)
        {
            var cron = HangfireCron.Parse(expression);
            var previous = cron.GetOccurrences(at - window, at, zone, fromInclusive: false, toInclusive: true).LastOrDefault();
            if (previous != default && (latest is null || previous > latest)) latest = previous;
        }
        return latest;
    }
}
