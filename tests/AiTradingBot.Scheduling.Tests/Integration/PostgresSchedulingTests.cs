using System.Collections.Concurrent;
using System.Globalization;
using AiTradingBot.Core.Plans;
using AiTradingBot.Scheduling.Migrations;
using AiTradingBot.Scheduling.Tests.Support;
using Xunit;
using static AiTradingBot.Scheduling.Tests.Support.PostgresScheduling;

namespace AiTradingBot.Scheduling.Tests.Integration;

/// <summary>Hangfire's PostgreSQL storage on real PostgreSQL (ATB_TEST_POSTGRES), a fresh database per test.</summary>
public sealed class PostgresSchedulingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_run_twice_and_concurrently_installs_Hangfire_and_our_table_once()
    {
        await using var db = await PostgresDatabase.CreateAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new SchedulerSchemaMigrator(db.ConnectionString, TimeProvider.System).MigrateAsync(Ct))));
        var again = await new SchedulerSchemaMigrator(db.ConnectionString, TimeProvider.System).MigrateAsync(Ct);

        var latest = SchedulerSchemaMigrator.HangfireSchemaVersion;
        Assert.True(latest >= 23, $"Hangfire.PostgreSql schema version {latest}");
        Assert.Single(results, r => r.Applied.SequenceEqual([1]) && r.HangfireVersionBefore == 0 && r.HangfireVersion == latest);
        Assert.Equal(3, results.Count(r => r.Applied.Count == 0 && r.CurrentVersion == 1 && r.HangfireVersionBefore == latest));
        Assert.Equal((latest, latest, 0, 1), (again.HangfireVersionBefore, again.HangfireVersion, again.Applied.Count, again.CurrentVersion));
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM scheduling.schema_migrations"));
        Assert.Equal((long)latest, await db.ScalarAsync<long>("SELECT max(version)::bigint FROM hangfire.schema"));
        foreach (var table in new[] { "job", "state", "jobqueue", "hash", "set", "lock", "server", "counter" })
            Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'hangfire' AND table_name = @t", ("t", table)));
        await new SchedulerSchemaMigrator(db.ConnectionString, TimeProvider.System).VerifyAsync(Ct);
    }

    [Fact]
    public async Task An_applied_migration_that_changed_is_refused()
    {
        await using var db = await MigratedDatabaseAsync(Ct);
        var edited = new SchedulerSchemaMigrator(db.ConnectionString, TimeProvider.System, null, [new SchedulerMigration(1, "report deliveries", "SELECT 1;")]);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => edited.MigrateAsync(Ct));

        Assert.Contains("differs from the one applied", e.Message);
    }

    [Fact]
    public async Task Run_without_migrate_fails_fast_with_a_message_saying_what_to_do()
    {
        await using var db = await PostgresDatabase.CreateAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SchedulingTestHost.CreateAsync(Settings(db, "node-a")));

        Assert.Contains("are not installed", e.Message);
        Assert.Contains("aitradingbot migrate", e.Message);
        Assert.Contains("not through PgBouncer", e.Message);
        Assert.DoesNotContain(db.ConnectionString, e.Message);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM information_schema.schemata WHERE schema_name IN ('hangfire', 'scheduling')"));
    }

    [Fact]
    public async Task Run_with_the_database_down_starts_and_says_so_naming_the_setting_and_retries()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = $"Host=127.0.0.1;Port={port};Username=postgres;Database=none;Timeout=3" };
        var logs = new LogCapture();

        // Issue 22: a database that is not up yet does not stop run (readiness reports it); the scheduler retries.
        await using var host = await SchedulingTestHost.CreateAsync(settings, logs: logs);

        var line = Assert.Single(logs.Lines, l => l.Contains("Report scheduler not started yet", StringComparison.Ordinal));
        Assert.Contains("PostgreSQL does not answer", line);
        Assert.Contains("check ConnectionStrings:Postgres", line);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Report scheduler started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_schedule_created_by_one_instance_is_listed_and_cancellable_by_the_other()
    {
        await using var db = await MigratedDatabaseAsync(Ct);
        await using var a = await SchedulingTestHost.CreateAsync(Settings(db, "node-a"));
        await using var b = await SchedulingTestHost.CreateAsync(Settings(db, "node-b"));

        var created = await a.Scheduler.ScheduleAsync(ReportKind.Daily, "0 8 * * 1-5", "-100123", Ct);

        var listed = Assert.Single(await b.Scheduler.ListAsync("-100123", Ct));
        Assert.Equal(created, listed);
        Assert.NotNull(listed.NextFire);
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM hangfire.hash WHERE key = 'recurring-job:report:-100123:daily' AND field = 'TimeZoneId' AND value = 'UTC'"));
        Assert.True(await b.Scheduler.CancelAsync(ReportKind.Daily, "-100123", Ct));
        Assert.Empty(await a.Scheduler.ListAsync(null, Ct));
    }

    [Fact]
    public async Task Configuration_schedules_are_applied_by_running_hosts_unchanged_ones_left_alone_and_one_shot_verbs_touch_none()
    {
        await using var db = await MigratedDatabaseAsync(Ct);
        var configured = Settings(db, "node-a");
        configured["Reports:Schedules:0:Kind"] = "daily";
        configured["Reports:Schedules:0:Cron"] = "0 8 * * *";
        const string createdAt = "SELECT value FROM hangfire.hash WHERE key = 'recurring-job:report:admins:daily' AND field = 'CreatedAt'";

        await using (var first = await SchedulingTestHost.CreateAsync(configured))
            Assert.Equal(("admins", ReportKind.Daily, "0 8 * * *"), Assert.Single(await first.Scheduler.ListAsync(null, Ct)) is var s ? (s.ChatId, s.Kind, s.Cron) : default);
        var created = await db.ScalarAsync<string>(createdAt);
        await db.ExecuteAsync("UPDATE hangfire.hash SET value = 'marker' WHERE key = 'recurring-job:report:admins:daily' AND field = 'Queue'");

        await using (var ask = await SchedulingTestHost.CreateAsync(Settings(db, "node-ask"), start: false))
            Assert.Single(await ask.Scheduler.ListAsync(null, Ct)); // no Reports:Schedules here, and nothing removed
        await using (var second = await SchedulingTestHost.CreateAsync(configured))
            Assert.Single(await second.Scheduler.ListAsync(null, Ct));

        // Untouched by the second start: a job rewritten at start would lose a misfire pending since the last run.
        Assert.Equal(created, await db.ScalarAsync<string>(createdAt));
        Assert.Equal("marker", await db.ScalarAsync<string>("SELECT value FROM hangfire.hash WHERE key = 'recurring-job:report:admins:daily' AND field = 'Queue'"));

        configured.Remove("Reports:Schedules:0:Kind");
        configured.Remove("Reports:Schedules:0:Cron");
        await using (var third = await SchedulingTestHost.CreateAsync(configured))
            Assert.Empty(await third.Scheduler.ListAsync(null, Ct));
    }

    [Fact]
    public async Task A_report_due_while_every_instance_was_down_is_sent_once_on_start_marked_late()
    {
        await using var db = await MigratedDatabaseAsync(Ct);
        var due = Minute(DateTimeOffset.UtcNow.AddHours(-2));
        await using (var ask = await SchedulingTestHost.CreateAsync(Settings(db, "node-ask"), start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Daily, $"{due.Minute} {due.Hour} * * *", "42", Ct);
        await AsIfNothingRanSinceAsync(db, "report:42:daily", due);
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
        Assert.Equal(1L, await db.ScalarAsync<long>("SELECT count(*) FROM scheduling.report_deliveries WHERE schedule_id = 'report:42:daily' AND occurrence = @t", ("t", due)));
    }

    [Fact]
    public async Task A_report_due_longer_ago_than_MaxLateness_is_skipped_and_logged()
    {
        await using var db = await MigratedDatabaseAsync(Ct);
        var due = Minute(DateTimeOffset.UtcNow.AddHours(-8));
        await using (var ask = await SchedulingTestHost.CreateAsync(Settings(db, "node-ask"), start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Pnl, $"{due.Minute} {due.Hour} * * *", "42", Ct);
        await AsIfNothingRanSinceAsync(db, "report:42:pnl", due);
        var logs = new LogCapture();

        await using var a = await SchedulingTestHost.CreateAsync(Settings(db, "node-a"), logs: logs);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!logs.Lines.Any(l => l.Contains("Skipped the pnl report for chat 42")) && DateTime.UtcNow < deadline) await Task.Delay(100, Ct);
        Assert.Contains(logs.Lines, l => l.Contains("Skipped the pnl report for chat 42") && l.Contains("more than Reports:MaxLateness 06:00:00"));
        Assert.Empty(a.Channel.Deliveries);
    }

    /// <summary>
    /// Puts a recurring job in the state it would be in had no instance run since the occurrence before
    /// <paramref name="due"/>: last run the day before, next execution <paramref name="due"/> (hash and score).
    /// </summary>
    private static async Task AsIfNothingRanSinceAsync(PostgresDatabase db, string id, DateTimeOffset due)
    {
        var key = $"recurring-job:{id}";
        await db.ExecuteAsync("DELETE FROM hangfire.hash WHERE key = @k AND field IN ('LastExecution', 'NextExecution')", ("k", key));
        await db.ExecuteAsync("INSERT INTO hangfire.hash (key, field, value) VALUES (@k, 'LastExecution', @last), (@k, 'NextExecution', @next)",
            ("k", key), ("last", due.AddDays(-1).UtcDateTime.ToString("o", CultureInfo.InvariantCulture)), ("next", due.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)));
        Assert.Equal(1, await db.ExecuteAsync("UPDATE hangfire.set SET score = @s WHERE key = 'recurring-jobs' AND value = @id", ("s", (double)due.ToUnixTimeSeconds()), ("id", id)));
    }
}
