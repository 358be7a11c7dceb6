using System.Globalization;

namespace AiTradingBot.Core.Reports;

/// <summary>
/// A standard 5-field cron expression (minute hour day-of-month month day-of-week) evaluated in a time zone.
/// Supports <c>*</c>, lists, ranges, steps and month/day names. As in classic cron, when both day fields are
/// restricted a day matches if either does. Wall-clock times skipped by a DST change do not fire; repeated ones
/// fire once.
/// </summary>
public sealed class CronSchedule
{
    /// <summary>An example for error messages.</summary>
    public const string Example = "\"0 8 * * *\" (every day at 08:00) or \"*/15 * * * 1-5\" (every 15 minutes on weekdays)";

    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _minutes, _hours, _dom, _months, _dow;
    private readonly bool _domRestricted, _dowRestricted;

    /// <summary>The expression as given (normalized spacing).</summary>
    public string Expression { get; }

    private CronSchedule(string expression, bool[] minutes, bool[] hours, bool[] dom, bool[] months, bool[] dow, bool domRestricted, bool dowRestricted)
    {
        Expression = expression;
        (_minutes, _hours, _dom, _months, _dow) = (minutes, hours, dom, months, dow);
        (_domRestricted, _dowRestricted) = (domRestricted, dowRestricted);
    }

    /// <summary>Parses an expression or returns an error a person can act on.</summary>
    public static bool TryParse(string? expression, out CronSchedule? schedule, out string? error)
    {
        schedule = null;
        var fields = (expression ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (fields.Length != 5)
        {
            error = $"A schedule needs 5 cron fields (minute hour day-of-month month day-of-week), got {fields.Length}. Example: {Example}.";
            return false;
        }
        var minutes = new bool[60];
        var hours = new bool[24];
        var dom = new bool[32];
        var months = new bool[13];
        var dow = new bool[8];
        if (!Field(fields[0], 0, 59, null, minutes, "minute", out error)
            || !Field(fields[1], 0, 23, null, hours, "hour", out error)
            || !Field(fields[2], 1, 31, null, dom, "day-of-month", out error)
            || !Field(fields[3], 1, 12, Months, months, "month", out error)
            || !Field(fields[4], 0, 7, Days, dow, "day-of-week", out error))
        {
            error += $" Example: {Example}.";
            return false;
        }
        if (dow[7]) dow[0] = true; // 7 is Sunday too
        schedule = new CronSchedule(string.Join(' ', fields), minutes, hours, dom, months, dow, fields[2] != "*", fields[4] != "*");
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/>.</summary>
    public static CronSchedule Parse(string expression) =>
        TryParse(expression, out var s, out var e) ? s! : throw new FormatException(e);

    /// <summary>The first firing strictly after <paramref name="after"/>, in <paramref name="zone"/>; null if none within 5 years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var t = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var limit = t.AddYears(5);
        while (t < limit)
        {
            if (!_months[t.Month]) { t = new DateTime(t.Year, t.Month, 1).AddMonths(1); continue; }
            if (!DayMatches(t)) { t = t.Date.AddDays(1); continue; }
            if (!_hours[t.Hour]) { t = t.Date.AddHours(t.Hour + 1); continue; }
            if (!_minutes[t.Minute]) { t = t.AddMinutes(1); continue; }
            if (!zone.IsInvalidTime(t))
            {
                var offset = zone.IsAmbiguousTime(t) ? zone.GetAmbiguousTimeOffsets(t).Max() : zone.GetUtcOffset(t);
                var candidate = new DateTimeOffset(t, offset);
                if (candidate > after) return candidate;
            }
            t = t.AddMinutes(1);
        }
        return null;
    }

    private bool DayMatches(DateTime t)
    {
        var d = _dom[t.Day];
        var w = _dow[(int)t.DayOfWeek];
        return _domRestricted && _dowRestricted ? d || w : d && w;
    }

    private static bool Field(string text, int min, int max, string[]? names, bool[] set, string label, out string? error)
    {
        error = null;
        foreach (var part in text.Split(','))
        {
            var step = 1;
            var range = part;
            var slash = part.IndexOf('/');
            if (slash >= 0)
            {
                if (!int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    error = $"Invalid step in the {label} field: \"{part}\".";
                    return false;
                }
                range = part[..slash];
            }
            int lo, hi;
            if (range == "*") (lo, hi) = (min, max);
            else
            {
                var dash = range.IndexOf('-');
                if (!Value(dash < 0 ? range : range[..dash], min, max, names, out lo) || !Value(dash < 0 ? range : range[(dash + 1)..], min, max, names, out hi) || hi < lo)
                {
                    error = $"Invalid {label} field \"{text}\": values must be {min}-{max}" + (names is null ? "." : $" or names like {names[0]}.");
                    return false;
                }
                if (dash < 0 && slash >= 0) hi = max; // "5/10" means from 5 every 10
            }
            for (var v = lo; v <= hi; v += step) set[v] = true;
        }
        return true;
    }

    private static bool Value(string s, int min, int max, string[]? names, out int value)
    {
        if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return value >= min && value <= max;
        if (names is not null)
        {
            var i = Array.FindIndex(names, n => n.Equals(s, StringComparison.OrdinalIgnoreCase));
            if (i >= 0) { value = i + (names.Length == 12 ? 1 : 0); return true; }
        }
        return false;
    }
}
