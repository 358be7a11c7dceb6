namespace AiTradingBot.Core.Language;

/// <summary>
/// Builds a 5-field cron expression (minute hour day-of-month month day-of-week) from schedule phrases:
/// "every day at 8am" → <c>0 8 * * *</c>, "every hour" → <c>0 * * * *</c>, "every monday at 9:30" → <c>30 9 * * 1</c>,
/// "every 15 minutes" → <c>*/15 * * * *</c>, "weekdays at 18:00" → <c>0 18 * * 1-5</c>.
/// </summary>
internal static class CronBuilder
{
    /// <summary>The cron expression, or null with the question to ask.</summary>
    public static string? Build(Clause c, out string? question)
    {
        question = null;
        int? hour = null, minute = null, defaultHour = null, everyMinutes = null, everyHours = null, everyDays = null, dayOfMonth = null;
        var days = new SortedSet<int>();
        var hours = new SortedSet<int>();
        var weekdays = false;
        var weekends = false;
        var hourly = false;
        var daily = false;
        var weekly = false;
        var monthly = false;
        var pm = false;

        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (t.Kind == TokenKind.Time)
            {
                if (hour is not null && minute is { } m0 && m0 == t.Minute) hours.Add(t.Hour);
                hour ??= t.Hour;
                minute ??= t.Minute;
                hours.Add(hour.Value);
                continue;
            }
            if (t.IsNumber)
            {
                var next = c.WordAt(i + 1);
                var prev = c.WordAt(i - 1);
                var whole = t.Value == decimal.Truncate(t.Value) && t.Flags is NumberFlags.None or NumberFlags.Spelled;
                if (t.Has(NumberFlags.Ordinal)) { dayOfMonth = (int)Math.Min(t.Value, 99); continue; }
                if (prev == "every" && whole && next is "minutes" or "minute" or "m") { everyMinutes = (int)Math.Min(t.Value, 100000); i++; continue; }
                if (prev == "every" && t.Has(NumberFlags.Million)) { everyMinutes = (int)Math.Min(t.Raw, 100000); continue; }
                if (prev == "every" && whole && next is "hours" or "hour" or "h") { everyHours = (int)Math.Min(t.Value, 100000); i++; continue; }
                if (prev == "every" && whole && next is "days" or "day" or "d") { everyDays = (int)Math.Min(t.Value, 100000); i++; continue; }
                if (prev is "at" or "around" && whole && t.Value <= 24) { hour ??= (int)t.Value % 24; minute ??= 0; hours.Add((int)t.Value % 24); continue; }
                if (prev == "and" && hour is not null && whole && t.Value <= 23 && (minute ?? 0) == 0) { hours.Add((int)t.Value); continue; }
                continue;
            }
            if (!t.IsWord) continue;
            switch (t.Text)
            {
                case "every" when c.WordAt(i + 1) is "minute": everyMinutes = 1; break;
                case "hourly": hourly = true; break;
                case "daily" or "nightly":
                    if (!(Lexicon.ReportNouns.Contains(c.WordAt(i + 1)) || c.WordAt(i + 1) is "pnl" or "sitrep" or "status")) daily = true;
                    break;
                case "weekly": weekly = true; break;
                case "monthly": monthly = true; break;
                case "noon" or "midday": hour = 12; minute = 0; break;
                case "midnight": hour = 0; minute = 0; break;
                case "morning": defaultHour ??= 8; break;
                case "afternoon": defaultHour ??= 14; pm = true; break;
                case "evening": defaultHour ??= 18; pm = true; break;
                case "night" or "tonight": defaultHour ??= 21; pm = true; break;
                case "weekday" or "weekdays" or "workday" or "workdays": weekdays = true; break;
                case "weekend" or "weekends": weekends = true; break;
                default:
                    if (DayNumber(t.Text) is { } d) days.Add(d);
                    break;
            }
        }

        if (everyMinutes is { } m)
        {
            if (m < 1 || (m >= 60 && m % 60 != 0) || m > 1440)
            {
                question = "Please pick an interval between 1 and 59 minutes, or whole hours (e.g. \"every 15 minutes\", \"every 2 hours\").";
                return null;
            }
            if (m < 60) return m == 1 ? "* * * * *" : $"*/{m} * * * *";
            everyHours = m / 60;
        }
        if (everyHours is { } h)
        {
            if (h < 1 || h > 24)
            {
                question = "Please pick an interval between 1 and 24 hours.";
                return null;
            }
            if (h == 24) daily = true;
            else return h == 1 ? $"{minute ?? 0} * * * *" : $"{minute ?? 0} */{h} * * *";
        }
        if (hourly && hour is null && days.Count == 0 && !weekdays && !weekends) return $"{minute ?? 0} * * * *";

        var dayLevel = daily || weekly || monthly || everyDays is not null || days.Count > 0 || weekdays || weekends || hour is not null || defaultHour is not null || dayOfMonth is not null;
        if (!dayLevel)
        {
            question = "When should I send it? Say e.g. \"every day at 8am\", \"every hour\" or \"every monday at 9:30\".";
            return null;
        }
        if (hour is null && defaultHour is null)
        {
            question = "At what time should I send it? Say e.g. \"every day at 8am\".";
            return null;
        }
        var hh = hour ?? defaultHour!.Value;
        if (hour is not null && pm && hh < 12) hh += 12;
        var hourField = hours.Count > 1 && !pm ? string.Join(',', hours) : hh.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var mm = minute ?? 0;
        if (hh is < 0 or > 23 || mm is < 0 or > 59)
        {
            question = "That time doesn't look right. Say e.g. \"at 8am\" or \"at 18:30\".";
            return null;
        }

        var dow = "*";
        if (weekdays && !weekends && days.Count == 0) dow = "1-5";
        else if (weekends && !weekdays && days.Count == 0) dow = "0,6";
        else if (days.Count > 0)
        {
            if (weekends) { days.Add(0); days.Add(6); }
            if (weekdays) for (var d = 1; d <= 5; d++) days.Add(d);
            dow = string.Join(',', days);
        }
        else if (weekly) dow = "1";

        var dom = "*";
        if (dayOfMonth is { } day)
        {
            if (day is < 1 or > 31)
            {
                question = "Which day of the month? (1 to 31)";
                return null;
            }
            dom = day.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (monthly) dom = "1";
        else if (everyDays is > 1 and <= 31) dom = $"*/{everyDays}";

        return $"{mm} {hourField} {dom} * {dow}";
    }

    private static int? DayNumber(string w) => w switch
    {
        "sunday" or "sundays" or "sun" => 0,
        "monday" or "mondays" or "mon" => 1,
        "tuesday" or "tuesdays" or "tue" or "tues" => 2,
        "wednesday" or "wednesdays" or "wed" => 3,
        "thursday" or "thursdays" or "thu" or "thur" or "thurs" => 4,
        "friday" or "fridays" or "fri" => 5,
        "saturday" or "saturdays" or "sat" => 6,
        _ => null,
    };
}
