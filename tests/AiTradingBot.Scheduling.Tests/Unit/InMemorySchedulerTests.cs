using System.Globalization;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Reports;
using AiTradingBot.Scheduling.Tests.Support;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Unit;

/// <summary>The Hangfire report scheduler on Hangfire.InMemory (no PostgreSQL configured), through the core's port.</summary>
public sealed class InMemorySchedulerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_schedule_is_added_listed_for_its_chat_only_and_cancelled()
    {
        await using var host = await SchedulingTestHost.CreateAsync(start: false);
        var before = DateTimeOffset.UtcNow;

        var schedule = await host.Scheduler.ScheduleAsync(ReportKind.Daily, "0  8 * * *", "42", Ct);

        Assert.Equal(new ReportSchedule(ReportKind.Daily, "0 8 * * *", "42", "UTC", CronSchedule.Parse("0 8 * * *").NextAfter(before, TimeZoneInfo.Utc)), schedule);
        Assert.Equal([schedule], await host.Scheduler.ListAsync("42", Ct));
        Assert.Empty(await host.Scheduler.ListAsync("43", Ct));
        Assert.Single(await host.Scheduler.ListAsync(null, Ct));
        Assert.True(await host.Scheduler.CancelAsync(ReportKind.Daily, "42", Ct));
        Assert.False(await host.Scheduler.CancelAsync(ReportKind.Daily, "42", Ct));
        Assert.Empty(await host.Scheduler.ListAsync(null, Ct));
    }

    [Fact]
    public async Task Scheduling_the_same_kind_again_replaces_the_schedule()
    {
        await using var host = await SchedulingTestHost.CreateAsync(start: false);

        await host.Scheduler.ScheduleAsync(ReportKind.Pnl, "0 8 1,15 * 1", "42", Ct); // two recurring jobs
        var replaced = await host.Scheduler.ScheduleAsync(ReportKind.Pnl, "30 18 * * 5", "42", Ct);

        var only = Assert.Single(await host.Scheduler.ListAsync("42", Ct));
        Assert.Equal(replaced, only);
        Assert.Equal("30 18 * * 5", only.Cron);
        Assert.Equal(DayOfWeek.Friday, only.NextFire!.Value.DayOfWeek);
    }

    [Theory]
    [InlineData("Europe/Berlin", "UTC", "Europe/Berlin")]
    [InlineData(null, "America/New_York", "America/New_York")]
    [InlineData(null, null, "UTC")]
    public async Task The_zone_is_Reports_TimeZone_else_Assistant_TimeZone_else_UTC_and_NextFire_is_that_zones_wall_clock(string? reports, string? assistant, string expected)
    {
        var settings = new Dictionary<string, string?>();
        if (reports is not null) settings["Reports:TimeZone"] = reports;
        if (assistant is not null) settings["Assistant:TimeZone"] = assistant;
        await using var host = await SchedulingTestHost.CreateAsync(settings, start: false);

        var schedule = await host.Scheduler.ScheduleAsync(ReportKind.Sitrep, "15 7 * * *", "42", Ct);

        Assert.Equal(expected, schedule.TimeZone);
        var local = TimeZoneInfo.ConvertTime(schedule.NextFire!.Value, TimeZoneInfo.FindSystemTimeZoneById(expected));
        Assert.Equal((7, 15), (local.Hour, local.Minute));
    }

    [Theory]
    [InlineData("0 8 * *", "5 cron fields")]
    [InlineData("0 25 * * *", "hour")]
    [InlineData("every day", "5 cron fields")]
    public async Task An_invalid_cron_is_refused_with_the_cores_message_and_an_example(string cron, string says)
    {
        await using var host = await SchedulingTestHost.CreateAsync(start: false);

        var e = await Assert.ThrowsAsync<StepFailedException>(() => host.Scheduler.ScheduleAsync(ReportKind.Daily, cron, "42", Ct));

        Assert.Contains(says, e.Message);
        Assert.Contains($"Example: {CronSchedule.Example}", e.Message);
        Assert.Empty(await host.Scheduler.ListAsync(null, Ct));
    }

    [Fact]
    public async Task A_cron_that_never_fires_is_refused_with_an_example()
    {
        await using var host = await SchedulingTestHost.CreateAsync(start: false);

        var e = await Assert.ThrowsAsync<StepFailedException>(() => host.Scheduler.ScheduleAsync(ReportKind.Daily, "0 8 30 2 *", "42", Ct));

        Assert.Contains("never fires", e.Message);
        Assert.Contains(CronSchedule.Example, e.Message);
    }

    [Fact]
    public async Task A_schedule_made_by_a_one_shot_verb_is_kept_in_the_live_state_store_and_restored_by_the_next_process()
    {
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        await using (var ask = await SchedulingTestHost.CreateAsync(store: store, start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Sitrep, "0 */4 * * *", "42", Ct);

        await using var run = await SchedulingTestHost.CreateAsync(store: store);

        var restored = Assert.Single(await run.Scheduler.ListAsync(null, Ct));
        Assert.Equal((ReportKind.Sitrep, "0 */4 * * *", "42"), (restored.Kind, restored.Cron, restored.ChatId));
        Assert.NotNull(restored.NextFire);
    }

    [Fact]
    public async Task Configuration_schedules_are_created_at_start_idempotently_updated_and_removed_with_the_configuration()
    {
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var config = new Dictionary<string, string?> { ["Reports:Schedules:0:Kind"] = "daily", ["Reports:Schedules:0:Cron"] = "0 8 * * *", ["Reports:Schedules:1:Kind"] = "pnl", ["Reports:Schedules:1:Cron"] = "0 20 * * 5", ["Reports:Schedules:1:ChatId"] = "77" };

        await using (var first = await SchedulingTestHost.CreateAsync(config, store))
        {
            var list = await first.Scheduler.ListAsync(null, Ct);
            Assert.Equal([("77", ReportKind.Pnl, "0 20 * * 5"), ("admins", ReportKind.Daily, "0 8 * * *")], list.Select(s => (s.ChatId, s.Kind, s.Cron)));
            await first.Scheduler.ScheduleAsync(ReportKind.Sitrep, "0 9 * * *", "77", Ct); // a chat's own schedule
        }
        await using (var again = await SchedulingTestHost.CreateAsync(config, store))
            Assert.Equal(3, (await again.Scheduler.ListAsync(null, Ct)).Count);

        config["Reports:Schedules:0:Cron"] = "30 7 * * 1-5";
        config.Remove("Reports:Schedules:1:Kind");
        config.Remove("Reports:Schedules:1:Cron");
        config.Remove("Reports:Schedules:1:ChatId");
        await using var changed = await SchedulingTestHost.CreateAsync(config, store);

        var after = await changed.Scheduler.ListAsync(null, Ct);
        Assert.Equal([("77", ReportKind.Sitrep, "0 9 * * *"), ("admins", ReportKind.Daily, "30 7 * * 1-5")], after.Select(s => (s.ChatId, s.Kind, s.Cron)));
    }

    [Fact]
    public async Task An_invalid_configured_cron_stops_the_start_with_a_message_naming_the_key_and_an_example()
    {
        var config = new Dictionary<string, string?> { ["Reports:Schedules:0:Kind"] = "daily", ["Reports:Schedules:0:Cron"] = "0 8 * * 9" };

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => SchedulingTestHost.CreateAsync(config));

        Assert.Contains("Reports:Schedules:0:Cron \"0 8 * * 9\"", e.Message);
        Assert.Contains("day-of-week", e.Message);
        Assert.Contains($"Example: {CronSchedule.Example}", e.Message);
    }

    [Fact]
    public async Task An_unknown_report_time_zone_stops_the_start()
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => SchedulingTestHost.CreateAsync(new Dictionary<string, string?> { ["Reports:TimeZone"] = "Mars/Olympus" }));

        Assert.Contains("Reports:TimeZone 'Mars/Olympus'", e.Message);
    }

    [Fact]
    public async Task A_report_missed_while_nothing_ran_is_sent_once_on_start_marked_late()
    {
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var due = DateTimeOffset.UtcNow.AddMinutes(-30);
        var cron = $"{due.Minute} {due.Hour} * * *";
        await using (var ask = await SchedulingTestHost.CreateAsync(store: store, start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Sitrep, cron, "42", Ct);
        // The last occurrence handled was yesterday's: today's passed while no process ran.
        await store.SetAsync("report-fired:42:sitrep", due.AddDays(-1).ToString("O", CultureInfo.InvariantCulture), null, Ct);

        var logs = new LogCapture();
        await using var run = await SchedulingTestHost.CreateAsync(store: store, logs: logs);

        var delivery = await WaitForAsync(run.Channel, 1, logs);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Single(run.Channel.Deliveries);
        Assert.Equal("42", delivery.Notification.ChatId);
        var note = $"⏰ late: scheduled for {due:HH:mm} (UTC)";
        Assert.StartsWith(note + "\nSITREP REPORT", delivery.Notification.Text);
        Assert.StartsWith($"<i>{note}</i>\n<b>SITREP REPORT", delivery.Notification.Html);

        // Handled: the next start has nothing to catch up.
        await run.StopAsync();
        await using var next = await SchedulingTestHost.CreateAsync(store: store);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);
        Assert.Empty(next.Channel.Deliveries);
    }

    [Fact]
    public async Task A_report_missed_longer_ago_than_MaxLateness_is_skipped_and_logged()
    {
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var logs = new LogCapture();
        var due = DateTimeOffset.UtcNow.AddMinutes(-30);
        var settings = new Dictionary<string, string?> { ["Reports:MaxLateness"] = "00:10:00" };
        await using (var ask = await SchedulingTestHost.CreateAsync(settings, store, start: false))
            await ask.Scheduler.ScheduleAsync(ReportKind.Daily, $"{due.Minute} {due.Hour} * * *", "42", Ct);
        await store.SetAsync("report-fired:42:daily", due.AddDays(-1).ToString("O", CultureInfo.InvariantCulture), null, Ct);

        await using var run = await SchedulingTestHost.CreateAsync(settings, store, logs: logs);

        await WaitUntilAsync(() => logs.Lines.Any(l => l.Contains("Skipped the daily report for chat 42") && l.Contains("more than Reports:MaxLateness")), logs: logs);
        Assert.Empty(run.Channel.Deliveries);
    }

    [Fact]
    public async Task A_configuration_schedule_without_a_chat_is_published_to_every_admin()
    {
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var due = DateTimeOffset.UtcNow.AddMinutes(-5);
        var config = new Dictionary<string, string?> { ["Reports:Schedules:0:Kind"] = "pnl", ["Reports:Schedules:0:Cron"] = $"{due.Minute} {due.Hour} * * *" };
        await store.SetAsync("report-fired:admins:pnl", due.AddDays(-1).ToString("O", CultureInfo.InvariantCulture), null, Ct);

        await using var run = await SchedulingTestHost.CreateAsync(config, store);

        var delivery = await WaitForAsync(run.Channel, 1);
        Assert.Null(delivery.Notification.ChatId);
        Assert.Equal(Core.Notifications.NotificationKind.Report, delivery.Notification.Kind);
        Assert.Contains("PNL REPORT", delivery.Notification.Text);
    }

    [Fact]
    public async Task A_scheduler_keeps_running_jobs_after_another_host_in_the_same_process_is_disposed()
    {
        var logs = new LogCapture();
        await using var running = await SchedulingTestHost.CreateAsync(logs: logs);
        await running.Scheduler.ScheduleAsync(ReportKind.Sitrep, "* * * * *", "42", Ct);
        await (await SchedulingTestHost.CreateAsync()).DisposeAsync(); // Hangfire logs through one process-wide provider

        new RecurringJobManager(await StorageAsync(running)).Trigger("report:42:sitrep");

        var delivery = await WaitForAsync(running.Channel, 1, logs);
        Assert.Equal("42", delivery.Notification.ChatId);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("disposed object"));
    }

    [Fact]
    public async Task A_schedule_restricting_both_day_fields_is_two_recurring_jobs_listed_as_one_and_cancelled_together()
    {
        await using var host = await SchedulingTestHost.CreateAsync(start: false);
        var before = DateTimeOffset.UtcNow;

        var schedule = await host.Scheduler.ScheduleAsync(ReportKind.Daily, "0 8 1,15 * 1", "42", Ct);

        using (var connection = (await StorageAsync(host)).GetConnection())
        {
            var jobs = connection.GetRecurringJobs().OrderBy(j => j.Id, StringComparer.Ordinal).ToList();
            Assert.Equal(["report:42:daily", "report:42:daily:weekdays"], jobs.Select(j => j.Id));
            Assert.Equal(["0 8 1,15 * *", "0 8 * * 1"], jobs.Select(j => j.Cron));
            Assert.All(jobs, j => Assert.Equal("UTC", j.TimeZoneId));
        }
        Assert.Equal(CronSchedule.Parse("0 8 1,15 * 1").NextAfter(before, TimeZoneInfo.Utc), schedule.NextFire);
        Assert.Equal([schedule], await host.Scheduler.ListAsync(null, Ct));

        // Replaced by a schedule needing one job: the second half goes.
        await host.Scheduler.ScheduleAsync(ReportKind.Daily, "0 9 * * *", "42", Ct);
        using (var connection = (await StorageAsync(host)).GetConnection())
            Assert.Equal(["report:42:daily"], connection.GetRecurringJobs().Select(j => j.Id));

        await host.Scheduler.ScheduleAsync(ReportKind.Daily, "0 8 1,15 * 1", "42", Ct);
        Assert.True(await host.Scheduler.CancelAsync(ReportKind.Daily, "42", Ct));
        using (var connection = (await StorageAsync(host)).GetConnection())
            Assert.Empty(connection.GetRecurringJobs());
    }

    [Fact]
    public async Task The_recurring_job_has_the_readable_id_the_zone_and_relaxed_misfire_handling()
    {
        await using var host = await SchedulingTestHost.CreateAsync(new Dictionary<string, string?> { ["Reports:TimeZone"] = "Europe/Berlin" }, start: false);

        await host.Scheduler.ScheduleAsync(ReportKind.Sitrep, "30 7 * * 1-5", "-100123", Ct);

        using var connection = (await StorageAsync(host)).GetConnection();
        var job = Assert.Single(connection.GetRecurringJobs());
        Assert.Equal(("report:-100123:sitrep", "30 7 * * 1-5", "Europe/Berlin", "reports"), (job.Id, job.Cron, job.TimeZoneId, job.Job.Queue));
        Assert.Equal(((int)MisfireHandlingMode.Relaxed).ToString(CultureInfo.InvariantCulture), connection.GetAllEntriesFromHash("recurring-job:report:-100123:sitrep").GetValueOrDefault("Misfire") ?? "0");
        Assert.Equal(["report:-100123:sitrep", "sitrep", "-100123", "30 7 * * 1-5", "Europe/Berlin", "chat"], job.Job.Args.Take(6).Cast<string>());
    }

    [Fact]
    public async Task Running_the_same_occurrence_twice_sends_the_report_once()
    {
        var logs = new LogCapture();
        await using var host = await SchedulingTestHost.CreateAsync(logs: logs);
        await host.Scheduler.ScheduleAsync(ReportKind.Sitrep, "0 8 * * *", "42", Ct);
        var due = DateTimeOffset.UtcNow.AddMinutes(-3).ToString("O", CultureInfo.InvariantCulture);
        var client = new BackgroundJobClient(await StorageAsync(host));

        // At-least-once: the same occurrence run again (a re-run after a lost worker looks exactly like this).
        for (var i = 0; i < 2; i++)
            client.Enqueue<Reports.ReportJob>("reports", j => j.RunAsync("report:42:sitrep", "sitrep", "42", "0 8 * * *", "UTC", "chat", due, null, CancellationToken.None));

        // The second run can find the claim while the first is still sending: wait for both, then exactly one delivery.
        await WaitUntilAsync(() => logs.Lines.Any(l => l.Contains("was already sent")) && host.Channel.Deliveries.Count > 0, logs: logs);
        var delivery = Assert.Single(host.Channel.Deliveries);
        Assert.StartsWith("⏰ late: scheduled for", delivery.Notification.Text);
    }

    [Fact]
    public async Task A_run_enqueued_before_its_schedule_was_cancelled_sends_nothing()
    {
        var logs = new LogCapture();
        await using var host = await SchedulingTestHost.CreateAsync(logs: logs, start: false);
        await host.Scheduler.ScheduleAsync(ReportKind.Sitrep, "* * * * *", "42", Ct);
        var storage = await StorageAsync(host);
        new RecurringJobManager(storage).Trigger("report:42:sitrep"); // enqueued, not yet run (server stopped)
        Assert.True(await host.Scheduler.CancelAsync(ReportKind.Sitrep, "42", Ct));

        using var server = new BackgroundJobServer(new BackgroundJobServerOptions { Queues = ["reports"], Activator = new Infrastructure.ServiceProviderJobActivator(host.Services) }, storage);

        await WaitUntilAsync(() => logs.Lines.Any(l => l.Contains("was cancelled; not sending it")), logs: logs);
        Assert.Empty(host.Channel.Deliveries);
    }

    private static Task<JobStorage> StorageAsync(SchedulingTestHost host) =>
        host.Services.GetRequiredService<Infrastructure.SchedulerStorage>().GetAsync(Ct);

    private static async Task<RecordingChannel.Delivery> WaitForAsync(RecordingChannel channel, int count, LogCapture? logs = null, int seconds = 20)
    {
        await WaitUntilAsync(() => channel.Deliveries.Count >= count, seconds, logs);
        return channel.Deliveries.First();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, int seconds = 20, LogCapture? logs = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Condition not met within {seconds}s. Logs:\n{string.Join("\n", logs?.Lines ?? [])}");
            await Task.Delay(50, Ct);
        }
    }
}
