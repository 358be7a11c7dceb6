using AiTradingBot.Core.Reports;
using Xunit;

namespace AiTradingBot.Core.Tests.Gate;

public sealed class CronScheduleTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("0 8 * * *", "2026-11-20T07:59:00Z", "2026-11-20T08:00:00Z")]
    [InlineData("0 8 * * *", "2026-11-20T08:00:00Z", "2026-11-21T08:00:00Z")]
    [InlineData("*/15 * * * 1-5", "2026-11-20T10:07:00Z", "2026-11-20T10:15:00Z")]
    [InlineData("30 9 * * mon", "2026-11-20T10:00:00Z", "2026-11-23T09:30:00Z")]
    [InlineData("0 0 1 jan *", "2026-11-20T10:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 12 * * 7", "2026-11-20T10:00:00Z", "2026-11-22T12:00:00Z")]
    public void Next_firing_in_utc(string cron, string after, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected), CronSchedule.Parse(cron).NextAfter(DateTimeOffset.Parse(after), TimeZoneInfo.Utc));

    [Fact]
    public void A_wall_clock_time_skipped_by_the_spring_change_does_not_fire_that_day()
    {
        // 2026-03-29 02:30 does not exist in Berlin (clocks jump 02:00 → 03:00).
        var next = CronSchedule.Parse("30 2 * * *").NextAfter(DateTimeOffset.Parse("2026-03-28T12:00:00Z"), Berlin);
        Assert.Equal(DateTimeOffset.Parse("2026-03-30T02:30:00+02:00"), next);
    }

    [Fact]
    public void A_wall_clock_time_repeated_by_the_autumn_change_fires_once()
    {
        var cron = CronSchedule.Parse("30 2 * * *");
        var first = cron.NextAfter(DateTimeOffset.Parse("2026-10-24T12:00:00Z"), Berlin)!.Value;
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T02:30:00+02:00"), first);
        Assert.Equal(DateTimeOffset.Parse("2026-10-26T02:30:00+01:00"), cron.NextAfter(first, Berlin));
    }

    [Fact]
    public void Eight_in_the_morning_follows_local_time_across_the_change()
    {
        var cron = CronSchedule.Parse("0 8 * * *");
        Assert.Equal(DateTimeOffset.Parse("2026-10-25T07:00:00Z"), cron.NextAfter(DateTimeOffset.Parse("2026-10-24T08:00:00Z"), Berlin));
        Assert.Equal(DateTimeOffset.Parse("2026-10-24T06:00:00Z"), cron.NextAfter(DateTimeOffset.Parse("2026-10-23T08:00:00Z"), Berlin));
    }

    [Theory]
    [InlineData("* * * *", "5 cron fields")]
    [InlineData("61 * * * *", "minute")]
    [InlineData("0 8 * * funday", "day-of-week")]
    [InlineData("*/0 * * * *", "step")]
    public void Invalid_expressions_are_explained(string cron, string expected)
    {
        Assert.False(CronSchedule.TryParse(cron, out _, out var error));
        Assert.Contains(expected, error);
        Assert.Contains("Example", error);
    }
}
