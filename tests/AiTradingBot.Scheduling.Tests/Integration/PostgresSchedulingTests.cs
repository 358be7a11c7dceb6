using System.Collections.Concurrent;
using AiTradingBot.Core.Plans;
using AiTradingBot.Scheduling.Migrations;
using AiTradingBot.Scheduling.Quartz;
using Microsoft.Extensions.DependencyInjection;
using AiTradingBot.Scheduling.Tests.Support;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Integration;

/// <summary>The clustered Quartz store on real PostgreSQL (ATB_TEST_POSTGRES), a fresh database per test.</summary>
public sealed class PostgresSchedulingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(PostgresDatabase db, string instance) => new()
    {
        ["ConnectionStrings:Postgres"] = db.ConnectionString,
        ["Scheduling:InstanceId"] = instance,
        ["Scheduling:ClusterCheckinInterval"] = "00:00:02",
    };

    [Fact]
    public async Task Migrations_run_twice_and_concurrently_apply_each_version_once()
    {
        await using var db = await PostgresDatabase.CreateAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new QuartzSchemaMigrator(db.ConnectionString, TimeProvider.System).MigrateAsync(Ct))));
        var again = await new QuartzSchemaMigrator(db.ConnectionString, TimeProvider.System).MigrateAsync(Ct);

        Assert.Single(results, r => r.Applied.SequenceEqual([1]));
        Assert.Equal(3, results.Count(r => r.Applied.Count == 0 && r.CurrentVersion == 1));
        Assert.Empty(again.Applied);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM quartz.schema_migrations"));
        Assert.Equal(11L, await db.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'quartz' AND table_name LIKE 'qrtz\\_%'"));
    }

    [Fact]
    public async Task An_applied_migration_that_changed_is_refused()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await new QuartzSchemaMigrator(db.ConnectionString, TimeProvider.System).MigrateAsync(Ct);
        var edited = new QuartzSchemaMigrator(db.ConnectionString, TimeProvider.System, null, [new QuartzMigration(1, "quartz job store", "SELECT 1;")]);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => edited.MigrateAsync(Ct));

        Assert.Contains("differs from the one applied", e.Message);
    }

    [Fact]
    public async Task A_schedule_created_in_one_instance_is_listed_and_cancellable_by_the_other()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        await using var a = await SchedulingTestHost.CreateAsync(Settings(db, "node-a"));
        await using var b = await SchedulingTestHost.CreateAsync(Settings(db, "node-b"));

        var created = await a.Scheduler.ScheduleAsync(ReportKind.Daily, "0 8 * * 1-5", "-100123", Ct);
        Assert.Equal(["node-a", "node-b"], [await InstanceIdAsync(a), await InstanceIdAsync(b)]);

        var listed = Assert.Single(await b.Scheduler.ListAsync("-100123", Ct));
        Assert.Equal(created, listed);
        Assert.NotNull(listed.NextFire);
        Assert.True(await b.Scheduler.CancelAsync(ReportKind.Daily, "-100123", Ct));
        Assert.Empty(await a.Scheduler.ListAsync(null, Ct));
    }

    [Fact]
    public async Task Configuration_schedules_are_applied_by_running_hosts_unchanged_ones_left_alone_and_one_shot_verbs_touch_none()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var configured = Settings(db, "node-a");
        configured["Reports:Schedules:0:Kind"] = "daily";
        configured["Reports:Schedules:0:Cron"] = "0 8 * * *";
        const string startTime = "SELECT start_time FROM quartz.qrtz_triggers WHERE job_name = 'daily:admins'";

        await using (var first = await SchedulingTestHost.CreateAsync(configured))
            Assert.Equal(("admins", ReportKind.Daily, "0 8 * * *"), Assert.Single(await first.Scheduler.ListAsync(null, Ct)) is var s ? (s.ChatId, s.Kind, s.Cron) : default);
        var created = await db.ScalarAsync<long>(startTime);

        await using (var ask = await SchedulingTestHost.CreateAsync(Settings(db, "node-ask"), start: false))
            Assert.Single(await ask.Scheduler.ListAsync(null, Ct)); // no Reports:Schedules here, and nothing removed
        await using (var second = await SchedulingTestHost.CreateAsync(configured))
            Assert.Single(await second.Scheduler.ListAsync(null, Ct));

        // Untouched by the second start: a trigger replaced at start would lose a misfire pending since the last run.
        Assert.Equal(created, await db.ScalarAsync<long>(startTime));
    }

    private static async Task<string> InstanceIdAsync(SchedulingTestHost host) =>
        (await host.Services.GetRequiredService<QuartzSchedulerFactory>().GetAsync(Ct)).SchedulerInstanceId;

    [Fact]
    public async Task Two_instances_sharing_the_store_fire_a_minutely_report_exactly_once_per_minute_over_three_minutes()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var deliveries = new ConcurrentQueue<RecordingChannel.Delivery>();
        var logs = new LogCapture();
        await using var a = await SchedulingTestHost.CreateAsync(Settings(db, "node-a"), channel: new RecordingChannel("node-a", deliveries), logs: logs);
        await using var b = await SchedulingTestHost.CreateAsync(Settings(db, "node-b"), channel: new RecordingChannel("node-b", deliveries), logs: logs);
        // Not across a minute boundary: the first expected minute is the one after the schedule exists.
        if (DateTimeOffset.UtcNow.Second >= 55) await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second), Ct);
        await a.Scheduler.ScheduleAsync(ReportKind.Sitrep, "* * * * *", "42", Ct);
        var start = DateTimeOffset.UtcNow;
        var firstMinute = new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        var minutes = Enumerable.Range(0, 3).Select(i => firstMinute.AddMinutes(i)).ToList();

        // Until 10 s after the third minute: late duplicates would show up by then.
        await Task.Delay(minutes[^1].AddSeconds(10) - DateTimeOffset.UtcNow, Ct);

        var fired = deliveries.ToList();
        Assert.Equal(["node-a", "node-b"], [await InstanceIdAsync(a), await InstanceIdAsync(b)]);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", fired.Select(d => $"{d.At:HH:mm:ss.fff} {d.Instance}")));
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", logs.Lines.Where(l => !l.Contains("Microsoft.Hosting"))));
        Assert.Equal(3, fired.Count);
        for (var i = 0; i < 3; i++)
        {
            // Each on its minute (within a few seconds), by whichever instance acquired the trigger.
            Assert.InRange(fired[i].At, minutes[i], minutes[i].AddSeconds(5));
            Assert.Equal("42", fired[i].Notification.ChatId);
            Assert.StartsWith("SITREP REPORT", fired[i].Notification.Text);
        }
    }

    [Fact]
    public async Task A_report_due_while_every_instance_was_down_is_sent_once_on_start_marked_late()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var due = DateTimeOffset.UtcNow.AddHours(-2);
        due = new DateTimeOffset(due.Year, due.Month, due.Day, due.Hour, due.Minute, 0, TimeSpan.Zero);
        await using (var ask = await SchedulingTestHost.CreateAsync(Settings(db, "node-ask"), start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Daily, $"{due.Minute} {due.Hour} * * *", "42", Ct);
        // Nothing ran at the last occurrence: the trigger still waits for it.
        Assert.Equal(1, await db.ExecuteAsync("UPDATE quartz.qrtz_triggers SET next_fire_time = @t WHERE job_name = 'daily:42'", ("t", due.UtcTicks)));
        var deliveries = new ConcurrentQueue<RecordingChannel.Delivery>();

        await using var a = await SchedulingTestHost.CreateAsync(Settings(db, "node-a"), channel: new RecordingChannel("node-a", deliveries));
        await using var b = await SchedulingTestHost.CreateAsync(Settings(db, "node-b"), channel: new RecordingChannel("node-b", deliveries));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (deliveries.IsEmpty && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
        await Task.Delay(TimeSpan.FromSeconds(3), Ct);
        var delivery = Assert.Single(deliveries);
        Assert.StartsWith($"⏰ late: scheduled for {due:HH:mm} (UTC)\nDAILY REPORT", delivery.Notification.Text);
        var next = Assert.Single(await a.Scheduler.ListAsync("42", Ct)).NextFire;
        Assert.Equal(due.AddDays(1), next);
    }

    [Fact]
    public async Task A_report_due_longer_ago_than_MaxLateness_is_skipped_and_logged()
    {
        await using var db = await PostgresDatabase.CreateAsync();
        var due = DateTimeOffset.UtcNow.AddHours(-8);
        due = new DateTimeOffset(due.Year, due.Month, due.Day, due.Hour, due.Minute, 0, TimeSpan.Zero);
        await using (var ask = await SchedulingTestHost.CreateAsync(Settings(db, "node-ask"), start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Pnl, $"{due.Minute} {due.Hour} * * *", "42", Ct);
        await db.ExecuteAsync("UPDATE quartz.qrtz_triggers SET next_fire_time = @t WHERE job_name = 'pnl:42'", ("t", due.UtcTicks));
        var logs = new LogCapture();

        await using var a = await SchedulingTestHost.CreateAsync(Settings(db, "node-a"), logs: logs);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!logs.Lines.Any(l => l.Contains("Skipped the pnl report for chat 42")) && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
        Assert.Contains(logs.Lines, l => l.Contains("Skipped the pnl report for chat 42") && l.Contains("more than Reports:MaxLateness 06:00:00"));
        Assert.Empty(a.Channel.Deliveries);
    }
}
