using Quartz;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>Occurrences of a schedule by Quartz's own rules, so a fire is matched to the occurrence Quartz meant.</summary>
internal static class ReportOccurrence
{
    /// <summary>Quartz may fire a hair before the scheduled instant on a drifting clock.</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(2);

    /// <summary>The occurrence a fire at <paramref name="fired"/> stands for: the latest one at or before it, looking back at most <paramref name="window"/>; null if none.</summary>
    public static DateTimeOffset? ForFire(IReadOnlyList<string> quartzExpressions, TimeZoneInfo zone, DateTimeOffset fired, TimeSpan window) =>
        Latest(quartzExpressions, zone, fired + Tolerance, window + Tolerance);

    /// <summary>The latest occurrence after <paramref name="after"/> and at or before <paramref name="at"/>; null if none.</summary>
    public static DateTimeOffset? LatestBetween(IReadOnlyList<string> quartzExpressions, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset at) =>
        at > after ? Latest(quartzExpressions, zone, at, at - after) : null;

    private static DateTimeOffset? Latest(IReadOnlyList<string> quartzExpressions, TimeZoneInfo zone, DateTimeOffset at, TimeSpan window)
    {
        DateTimeOffset? latest = null;
        foreach (var expression in quartzExpressions)
        {
            var cron = new CronExpression(expression) { TimeZone = zone };
            var t = at - window;
            while (cron.GetTimeAfter(t) is { } next && next <= at)
            {
                if (latest is null || next > latest) latest = next;
                t = next;
            }
        }
        return latest;
    }
}
