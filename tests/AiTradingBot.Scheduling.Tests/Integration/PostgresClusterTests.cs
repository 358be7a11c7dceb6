using System.Collections.Concurrent;
using AiTradingBot.Core.Plans;
using AiTradingBot.Scheduling.Tests.Support;
using Xunit;
using static AiTradingBot.Scheduling.Tests.Support.PostgresScheduling;

namespace AiTradingBot.Scheduling.Tests.Integration;

/// <summary>Two running instances sharing one PostgreSQL database (ATB_TEST_POSTGRES), in real time: minutes per test.</summary>
public sealed class PostgresClusterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_instances_deliver_a_minutely_report_exactly_once_per_minute_over_three_minutes_and_a_cancel_on_one_stops_both()
    {
        await using var db = await MigratedDatabaseAsync(Ct);
        var deliveries = new ConcurrentQueue<RecordingChannel.Delivery>();
        var logs = new LogCapture();
        await using var a = await SchedulingTestHost.CreateAsync(Settings(db, "node-a"), channel: new RecordingChannel("node-a", deliveries), logs: logs);
        await using var b = await SchedulingTestHost.CreateAsync(Settings(db, "node-b"), channel: new RecordingChannel("node-b", deliveries), logs: logs);
        // Not across a minute boundary: the first expected minute is the one after the schedule exists.
        await AwayFromMinuteEndAsync(50, Ct);
        await a.Scheduler.ScheduleAsync(ReportKind.Sitrep, "* * * * *", "42", Ct);
        var firstMinute = Minute(DateTimeOffset.UtcNow).AddMinutes(1);
        var minutes = Enumerable.Range(0, 3).Select(i => firstMinute.AddMinutes(i)).ToList();

        // Until 10 s after the third minute: late duplicates would show up by then.
        await Task.Delay(minutes[^1].AddSeconds(10) - DateTimeOffset.UtcNow, Ct);

        var fired = deliveries.ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", fired.Select(d => $"{d.At:HH:mm:ss.fff} {d.Instance}")));
        Assert.Equal(3, fired.Count);
        for (var i = 0; i < 3; i++)
        {
            // Each on its minute (within a few seconds), by whichever instance dequeued it.
            Assert.InRange(fired[i].At, minutes[i], minutes[i].AddSeconds(5));
            Assert.Equal("42", fired[i].Notification.ChatId);
            Assert.StartsWith("SITREP REPORT", fired[i].Notification.Text);
        }
        Assert.Equal(3L, await db.ScalarAsync<long>("SELECT count(*) FROM scheduling.report_deliveries WHERE schedule_id = 'report:42:sitrep'"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM hangfire.server"));

        // Cancelled on the other instance: neither sends the next minute's.
        Assert.True(await b.Scheduler.CancelAsync(ReportKind.Sitrep, "42", Ct));
        Assert.Empty(await a.Scheduler.ListAsync(null, Ct));
        await Task.Delay(minutes[^1].AddMinutes(1).AddSeconds(10) - DateTimeOffset.UtcNow, Ct);
        Assert.Equal(3, deliveries.Count);
    }

    [Fact]
    public async Task A_killed_instances_lock_delays_the_other_by_at_most_the_lock_timeout()
    {
        var lockTimeout = TimeSpan.FromSeconds(15);
        await using var db = await MigratedDatabaseAsync(Ct);
        await using var survivor = await SchedulingTestHost.CreateAsync(Settings(db, "survivor", lockTimeout));
        await AwayFromMinuteEndAsync(40, Ct);
        await survivor.Scheduler.ScheduleAsync(ReportKind.Sitrep, "* * * * *", "42", Ct);
        var due = Minute(DateTimeOffset.UtcNow).AddMinutes(1);

        // A killed instance leaves its lock rows behind: here the recurring job scheduler's, taken 2 s before the minute.
        await Task.Delay(due.AddSeconds(-2) - DateTimeOffset.UtcNow, Ct);
        await db.ExecuteAsync("INSERT INTO hangfire.lock (resource, acquired) VALUES ('hangfire:recurring-jobs:lock', now() AT TIME ZONE 'UTC')");
        var taken = DateTimeOffset.UtcNow;

        var deadline = due + lockTimeout + TimeSpan.FromSeconds(20);
        while (survivor.Channel.Deliveries.IsEmpty && DateTimeOffset.UtcNow < deadline) await Task.Delay(100, Ct);
        var delivery = Assert.Single(survivor.Channel.Deliveries);
        TestContext.Current.TestOutputHelper?.WriteLine($"lock taken {taken:HH:mm:ss.fff}, due {due:HH:mm:ss}, delivered {delivery.At:HH:mm:ss.fff}");
        // Blocked while the dead row was fresh, taken over once it was older than the lock timeout.
        Assert.InRange(delivery.At, taken + lockTimeout - TimeSpan.FromSeconds(1), taken + lockTimeout + TimeSpan.FromSeconds(8));
        Assert.DoesNotContain("late", delivery.Notification.Text);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM hangfire.lock WHERE resource = 'hangfire:recurring-jobs:lock' AND acquired < now() AT TIME ZONE 'UTC' - interval '1 minute'"));
    }
}
