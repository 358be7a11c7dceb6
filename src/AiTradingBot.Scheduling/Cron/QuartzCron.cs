using System.Globalization;
using System.Text;
using AiTradingBot.Core.Reports;

namespace AiTradingBot.Scheduling.Cron;

/// <summary>
/// Converts a standard 5-field cron expression (<see cref="CronSchedule"/>'s form) into Quartz cron expressions
/// (seconds minutes hours day-of-month month day-of-week). Each field is expanded from the same rules
/// <see cref="CronSchedule"/> uses and written back as explicit values, so both agree by construction; day-of-week
/// is renumbered (cron 0/7=Sunday → Quartz 1=SUN..7=SAT). Quartz needs <c>?</c> in one day field and cannot OR the
/// two day fields as classic cron does when both are restricted, so that case becomes two expressions
/// (day-of-month with <c>?</c> for weekdays, and weekdays with <c>?</c> for day-of-month) whose union is the schedule.
/// </summary>
public static class QuartzCron
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    /// <summary>The Quartz expressions (one, or two when both day fields are restricted) for a valid 5-field expression.</summary>
    /// <exception cref="FormatException">The expression is invalid; the message says why and gives an example.</exception>
    public static IReadOnlyList<string> Convert(string expression)
    {
        var schedule = CronSchedule.Parse(expression); // the user-facing validation and its messages
        var f = schedule.Expression.Split(' ');
        var minutes = Expand(f[0], 0, 59, null);
        var hours = Expand(f[1], 0, 23, null);
        var dom = Expand(f[2], 1, 31, null);
        var months = Expand(f[3], 1, 12, MonthNames);
        var dow = Expand(f[4], 0, 7, DayNames);
        if (dow[7]) dow[0] = true; // 7 is Sunday too
        var quartzDow = new bool[8]; // Quartz: 1=SUN .. 7=SAT
        for (var d = 0; d < 7; d++) quartzDow[d + 1] = dow[d];

        var head = $"0 {Compress(minutes, 0, 59)} {Compress(hours, 0, 23)}";
        var month = Compress(months, 1, 12);
        var domRestricted = f[2] != "*";
        var dowRestricted = f[4] != "*";
        var domText = Compress(dom, 1, 31);
        var dowText = Compress(quartzDow, 1, 7);
        if (domRestricted && dowRestricted)
        {
            // Either field matching every day makes the union every day.
            if (domText == "*" || dowText == "*") return [$"{head} * {month} ?"];
            return [$"{head} {domText} {month} ?", $"{head} ? {month} {dowText}"];
        }
        if (dowRestricted) return [$"{head} ? {month} {dowText}"];
        return [$"{head} {domText} {month} ?"];
    }

    /// <summary>The values a field selects, by <see cref="CronSchedule"/>'s rules (already validated there).</summary>
    private static bool[] Expand(string text, int min, int max, string[]? names)
    {
        var set = new bool[max + 1];
        foreach (var part in text.Split(','))
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
                lo = Value(dash < 0 ? range : range[..dash], names);
                hi = Value(dash < 0 ? range : range[(dash + 1)..], names);
                if (dash < 0 && slash >= 0) hi = max; // "5/10" means from 5 every 10
            }
            for (var v = lo; v <= hi; v += step) set[v] = true;
        }
        return set;
    }

    private static int Value(string s, string[]? names)
    {
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return value;
        var i = Array.FindIndex(names!, n => n.Equals(s, StringComparison.OrdinalIgnoreCase));
        return i + (names!.Length == 12 ? 1 : 0);
    }

    /// <summary><c>*</c> when every value is set, else runs as <c>a-b</c> or <c>a</c> joined by commas.</summary>
    private static string Compress(bool[] set, int min, int max)
    {
        var all = true;
        for (var v = min; v <= max; v++) all &= set[v];
        if (all) return "*";
        var sb = new StringBuilder();
        for (var v = min; v <= max; v++)
        {
            if (!set[v]) continue;
            var end = v;
            while (end + 1 <= max && set[end + 1]) end++;
            if (sb.Length > 0) sb.Append(',');
            sb.Append(v.ToString(CultureInfo.InvariantCulture));
            if (end > v) sb.Append('-').Append(end.ToString(CultureInfo.InvariantCulture));
            v = end;
        }
        return sb.ToString();
    }
}
