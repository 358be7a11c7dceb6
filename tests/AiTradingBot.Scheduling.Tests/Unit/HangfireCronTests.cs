using AiTradingBot.Core.Reports;
using AiTradingBot.Scheduling.Cron;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.Storage;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Unit;

/// <summary>
/// 5-field cron → Hangfire (Cronos): expressions pass as written except when both day fields are restricted, and
/// Hangfire fires exactly when <see cref="CronSchedule"/> says, except for the two documented DST differences.
/// </summary>
public sealed class HangfireCronTests
{
    [Theory]
    [InlineData("0 8 * * *")]
    [InlineData("*/15 * * * 1-5")]
    [InlineData("30 9 * * MON")]
    [InlineData("0 0 * * 7")]
    [InlineData("0 12 * * 5-7")]
    [InlineData("0 6 1 JAN-MAR *")]
    [InlineData("5/20 2 * * *")]
    [InlineData("* * * * *")]
    public void An_expression_with_at_most_one_day_field_restricted_is_passed_as_written(string cron) =>
        Assert.Equal([cron], HangfireCron.Convert(cron));

    [Fact]
    public void Both_day_fields_restricted_become_two_expressions_whose_union_is_classic_cron_or() =>
        Assert.Equal(["0 8 1,15 * *", "0 8 * * 1"], HangfireCron.Convert("0 8 1,15 * 1"));

    [Theory]
    [InlineData("0 8 1-7 * */1")]
    [InlineData("0 8 1-31 * MON")]
    [InlineData("0 8 1 * 0-6")]
    [InlineData("0 8 1 * 1-7,0")]
    public void Both_day_fields_restricted_with_one_covering_every_day_become_every_day(string cron) =>
        Assert.Equal(["0 8 * * *"], HangfireCron.Convert(cron));

    [Theory]
    [InlineData("0 8 * *")]
    [InlineData("61 8 * * *")]
    [InlineData("0 8 * * MON-XYZ")]
    public void Invalid_cron_is_refused_with_the_core_message_and_an_example(string cron)
    {
        var e = Assert.Throws<FormatException>(() => HangfireCron.Convert(cron));
        Assert.Contains("Example: ", e.Message);
        Assert.Contains("0 8 * * *", e.Message);
    }

    [Theory]
    [InlineData("0 8 * * *", "Europe/Berlin")]
    [InlineData("*/20 1-3 * * *", "America/New_York")]
    [InlineData("0 8 1,15 * 1", "UTC")]
    public void Hangfire_stores_the_next_execution_HangfireCron_computes(string cron, string zoneId)
    {
        using var storage = new InMemoryStorage();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var before = DateTimeOffset.UtcNow;
        var expressions = HangfireCron.Convert(cron);
        var manager = new RecurringJobManager(storage);
        for (var i = 0; i < expressions.Count; i++)
            manager.AddOrUpdate($"test:{i}", () => Console.WriteLine("x"), expressions[i], new RecurringJobOptions { TimeZone = zone });

        using var connection = storage.GetConnection();
        var next = connection.GetRecurringJobs().Select(d => d.NextExecution!.Value).Min();

        Assert.Equal(HangfireCron.NextAfter(expressions, zone, before.AddSeconds(-1)), new DateTimeOffset(next, TimeSpan.Zero));
        Assert.Equal(CronSchedule.Parse(cron).NextAfter(before, zone), new DateTimeOffset(next, TimeSpan.Zero));
    }

    public static TheoryData<string, string, string> DstCases
    {
        get
        {
            var data = new TheoryData<string, string, string>();
            string[] crons = ["0 8 * * *", "30 2 * * *", "0 * * * *", "*/20 1-3 * * *", "30 9 * * 1", "0 0 1,15 * 1", "0 3 * * SUN", "15 1 31 * *", "0 2 * * *", "30 1 * * *"];
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

    /// <summary>
    /// Over 40 days around each DST change, every occurrence is the same in both except: (1) a wall-clock time skipped by
    /// spring-forward does not fire in CronSchedule while Hangfire fires it once at the end of the gap; (2) in the hour
    /// repeated by fall-back, CronSchedule fires once (the first pass) while Hangfire also fires interval expressions
    /// (<c>*</c>, a range or a step in the minute or hour field) in the second pass.
    /// </summary>
    [Theory]
    [MemberData(nameof(DstCases))]
    public void Hangfire_fires_when_CronSchedule_says_across_DST_changes_but_for_the_two_documented_differences(string cron, string zoneId, string from)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var start = DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture);
        var end = start.AddDays(40);
        var ours = Occurrences(t => CronSchedule.Parse(cron).NextAfter(t, zone), start, end);
        var expressions = HangfireCron.Convert(cron);
        var hangfire = Occurrences(t => HangfireCron.NextAfter(expressions, zone, t), start, end);

        // And both agree on the first occurrence after the window (some windows have none of a 31st).
        Assert.Equal(CronSchedule.Parse(cron).NextAfter(end, zone), HangfireCron.NextAfter(expressions, zone, end));
        Assert.Empty(ours.Except(hangfire).Select(t => $"only CronSchedule: {t:O}"));
        var f = cron.Split(' ');
        var interval = new[] { f[0], f[1] }.Any(x => x.Contains('*') || x.Contains('-') || x.Contains('/'));
        var spring = 0;
        foreach (var extra in hangfire.Except(ours))
        {
            var local = TimeZoneInfo.ConvertTime(extra, zone).DateTime;
            if (zone.IsInvalidTime(local.AddMinutes(-1)))
            {
                spring++; // (1): fired at the end of a spring-forward gap, for a time inside it
                continue;
            }
            // (2): the second pass of a repeated hour (standard offset), for an interval expression only.
            Assert.True(interval && zone.IsAmbiguousTime(local) && zone.GetUtcOffset(extra.UtcDateTime) == zone.GetAmbiguousTimeOffsets(local).Min(),
                $"{cron} in {zoneId}: Hangfire fires {extra:O} ({local:s} local), CronSchedule does not");
        }
        Assert.True(spring <= 1, $"{spring} spring-forward fires in one window");
    }

    private static List<DateTimeOffset> Occurrences(Func<DateTimeOffset, DateTimeOffset?> next, DateTimeOffset start, DateTimeOffset end)
    {
        var list = new List<DateTimeOffset>();
        var t = start;
        while (next(t) is { } n && n < end)
        {
            list.Add(TimeZoneInfo.ConvertTime(n, TimeZoneInfo.Utc));
            t = n;
        }
        return list;
    }
}
