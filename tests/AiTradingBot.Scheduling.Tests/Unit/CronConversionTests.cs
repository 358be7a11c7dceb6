using AiTradingBot.Core.Reports;
using AiTradingBot.Scheduling.Cron;
using Quartz;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Unit;

/// <summary>5-field cron → Quartz: the Quartz triggers fire exactly when <see cref="CronSchedule"/> says, across DST.</summary>
public sealed class CronConversionTests
{
    public static TheoryData<string, string> Expressions => new()
    {
        { "0 8 * * *", "0 0 8 * * ?" },
        { "*/15 * * * 1-5", "0 0,15,30,45 * ? * 2-6" },
        { "30 9 * * 1", "0 30 9 ? * 2" },
        { "0 0 * * 0", "0 0 0 ? * 1" },
        { "0 0 * * 7", "0 0 0 ? * 1" },
        { "0 12 * * 5-7", "0 0 12 ? * 1,6-7" },
        { "0 12 * * SAT,SUN", "0 0 12 ? * 1,7" },
        { "0 6 1 * *", "0 0 6 1 * ?" },
        { "0 6 1 JAN-MAR *", "0 0 6 1 1-3 ?" },
        { "5/20 2 * * *", "0 5,25,45 2 * * ?" },
        { "* * * * *", "0 * * * * ?" },
        { "0 8 1-7 * */1", "0 0 8 * * ?" },
    };

    [Theory]
    [MemberData(nameof(Expressions))]
    public void Five_field_cron_becomes_one_quartz_expression(string cron, string quartz) =>
        Assert.Equal([quartz], QuartzCron.Convert(cron));

    [Fact]
    public void Both_day_fields_restricted_become_two_expressions_whose_union_is_classic_cron_or() =>
        Assert.Equal(["0 0 8 1,15 * ?", "0 0 8 ? * 2"], QuartzCron.Convert("0 8 1,15 * 1"));

    [Theory]
    [InlineData("0 8 * *")]
    [InlineData("61 8 * * *")]
    [InlineData("0 8 * * MON-XYZ")]
    public void Invalid_cron_is_refused_with_the_core_message_and_an_example(string cron)
    {
        var e = Assert.Throws<FormatException>(() => QuartzCron.Convert(cron));
        Assert.Contains("Example: ", e.Message);
        Assert.Contains("0 8 * * *", e.Message);
    }

    public static TheoryData<string, string, string> DstCases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            string[] crons = ["0 8 * * *", "30 2 * * *", "0 * * * *", "*/20 1-3 * * *", "30 9 * * 1", "0 0 1,15 * 1", "0 3 * * SUN", "15 1 31 * *", "0 2 * * *"];
            // Spring-forward and fall-back weeks in zones east and west of UTC, a half-hour zone and UTC itself.
            (string Zone, string From)[] windows =
            [
                ("Europe/Berlin", "2025-03-28T00:00:00Z"), ("Europe/Berlin", "2025-10-24T00:00:00Z"),
                ("America/New_York", "2025-03-07T00:00:00Z"), ("America/New_York", "2025-10-31T00:00:00Z"),
                ("Australia/Adelaide", "2025-04-04T00:00:00Z"), ("Australia/Adelaide", "2025-10-03T00:00:00Z"),
                ("UTC", "2025-03-28T00:00:00Z"),
            ];
            foreach (var cron in crons)
                foreach (var (zone, from) in windows)
                    data.Add(cron, zone, from);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(DstCases))]
    public void Quartz_triggers_fire_when_CronSchedule_says_across_DST_changes(string cron, string zoneId, string from)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var start = DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture);
        var triggers = QuartzCron.Convert(cron)
            .Select(q => TriggerBuilder.Create().WithCronSchedule(q, b => b.InTimeZone(zone)).StartAt(start).Build())
            .ToList();
        var expected = CronSchedule.Parse(cron);

        var t = start;
        var end = start.AddDays(40);
        var count = 0;
        var shifted = 0;
        while (t < end)
        {
            var ours = expected.NextAfter(t, zone);
            var quartz = triggers.Select(x => x.GetFireTimeAfter(t)).Where(x => x is not null).Min();
            if (ours != quartz)
            {
                // The one documented difference: a wall-clock time skipped by spring-forward does not fire in
                // CronSchedule, while Quartz fires it once, shifted by the gap (02:30 → 03:30 that day).
                Assert.True(quartz is not null && (ours is null || quartz < ours), $"{cron} in {zoneId} after {t:O}: CronSchedule {ours:O}, Quartz {quartz:O}");
                var skipped = TimeZoneInfo.ConvertTime(quartz!.Value, zone).DateTime - TimeSpan.FromHours(1);
                Assert.True(zone.IsInvalidTime(skipped), $"{cron} in {zoneId}: Quartz fired {quartz:O}, CronSchedule {ours:O}, and {skipped:s} is not a skipped time");
                Assert.Equal(new DateTimeOffset(skipped, TimeSpan.Zero), expected.NextAfter(new DateTimeOffset(skipped.AddMinutes(-1), TimeSpan.Zero), TimeZoneInfo.Utc));
                t = quartz.Value;
                shifted++;
                continue;
            }
            if (ours is null) break;
            t = ours.Value;
            count++;
        }
        Assert.True(count > 0);
        Assert.True(shifted <= 2, $"{shifted} shifted fires in one window");
    }
}
