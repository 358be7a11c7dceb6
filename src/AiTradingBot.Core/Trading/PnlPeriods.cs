using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Trading;

/// <summary>Period boundaries in the configured time zone (weeks start on Monday).</summary>
public static class PnlPeriods
{
    /// <summary>[from, to) of a period around <paramref name="now"/>; from is null for all time.</summary>
    public static (DateTimeOffset? From, DateTimeOffset To) Range(PnlPeriod period, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = local.Date;
        DateTimeOffset At(DateTime localMidnight) => new(localMidnight, zone.GetUtcOffset(localMidnight));
        return period switch
        {
            PnlPeriod.Today => (At(today), now),
            PnlPeriod.Yesterday => (At(today.AddDays(-1)), At(today)),
            PnlPeriod.Week => (At(today.AddDays(-(((int)today.DayOfWeek + 6) % 7))), now),
            PnlPeriod.Month => (At(new DateTime(today.Year, today.Month, 1)), now),
            _ => (null, now),
        };
    }

    /// <summary>Resolves an IANA (or Windows) zone id, UTC when empty.</summary>
    public static TimeZoneInfo Zone(string? id) =>
        string.IsNullOrWhiteSpace(id) || id == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
}
