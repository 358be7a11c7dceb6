using System.Globalization;
using AiTradingBot.Core.Reports;
using Cronos;

namespace AiTradingBot.Scheduling.Cron;

/// <summary>
/// A standard 5-field cron expression (<see cref="CronSchedule"/>'s form) as the cron expressions Hangfire's recurring
/// jobs take. Hangfire evaluates them with Cronos, which reads the same 5 fields, names and steps, but ANDs the two day
/// fields when both are restricted where classic cron (and <see cref="CronSchedule"/>) ORs them: that case becomes two
/// expressions, one per day field, whose union is the schedule. Every other expression is passed as written, so Cronos
/// sees the same text (its DST rules depend on it: see <see cref="CronSchedule"/> for ours and the comparison tests).
/// </summary>
public static class HangfireCron
{
    /// <summary>The Cronos expressions (one, or two when both day fields are restricted) for a valid 5-field expression.</summary>
    /// <exception cref="FormatException">The expression is invalid; the message says why and gives an example.</exception>
    public static IReadOnlyList<string> Convert(string expression)
    {
        var schedule = CronSchedule.Parse(expression); // the user-facing validation and its messages
        var f = schedule.Expression.Split(' ');
        if (f[2] == "*" || f[4] == "*") return [schedule.Expression];
        var head = $"{f[0]} {f[1]}";
        // Either field selecting every day makes the union every day.
        if (Covers(f[2], 1, 31) || Covers(f[4], 0, 6)) return [$"{head} * {f[3]} *"];
        return [$"{head} {f[2]} {f[3]} *", $"{head} * {f[3]} {f[4]}"];
    }

    /// <summary>Parses a converted expression as Hangfire does (5 fields, standard format).</summary>
    public static CronExpression Parse(string cronosExpression) => CronExpression.Parse(cronosExpression, CronFormat.Standard);

    /// <summary>The first occurrence strictly after <paramref name="after"/> of any of the expressions, by Cronos's (Hangfire's) rules.</summary>
    public static DateTimeOffset? NextAfter(IReadOnlyList<string> cronosExpressions, TimeZoneInfo zone, DateTimeOffset after)
    {
        DateTimeOffset? next = null;
        foreach (var e in cronosExpressions)
        {
            if (Parse(e).GetNextOccurrence(after, zone, inclusive: false) is { } n && (next is null || n < next)) next = n;
        }
        return next;
    }

    /// <summary>True when a day field (already valid) selects every value from <paramref name="min"/> to <paramref name="max"/>.</summary>
    private static bool Covers(string field, int min, int max)
    {
        var set = new bool[max + 2];
        foreach (var part in field.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/');
            if (slash >= 0)
            {
                step = int.Parse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture);
                range = part[..slash];
            }
            int lo, hi;
            if (range == "*") (lo, hi) = (min, max);
            else
            {
                var dash = range.IndexOf('-');
                lo = Value(dash < 0 ? range : range[..dash]);
                hi = Value(dash < 0 ? range : range[(dash + 1)..]);
                if (dash < 0 && slash >= 0) hi = max;
            }
            for (var v = lo; v <= hi; v += step) set[v == 7 && max == 6 ? 0 : v] = true; // 7 is Sunday too
        }
        for (var v = min; v <= max; v++) if (!set[v]) return false;
        return true;
    }

    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private static int Value(string s) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : Array.FindIndex(DayNames, n => n.Equals(s, StringComparison.OrdinalIgnoreCase));
}
