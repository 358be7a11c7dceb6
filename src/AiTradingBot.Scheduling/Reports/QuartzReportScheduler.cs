using System.Globalization;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Reports;
using AiTradingBot.Scheduling.Cron;
using AiTradingBot.Scheduling.Quartz;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Quartz.Impl.Matchers;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>
/// Report schedules as Quartz jobs: one durable job per (chat, kind) with one cron trigger (two when both day fields
/// are restricted), evaluated in the configured zone, misfires fired once at recovery. On PostgreSQL the jobs live in
/// the shared clustered store, so every instance lists the same schedules and each occurrence fires once. In memory,
/// chat schedules are also written to the durable live-state store (<see cref="KeyValueReportScheduler"/>'s keys)
/// and restored from it when the scheduler is created. Schedules from <c>Reports:Schedules</c> are applied at start of
/// the long-running host (and, in memory, whenever a process creates its scheduler).
/// </summary>
internal sealed class QuartzReportScheduler(
    QuartzSchedulerFactory factory,
    IKeyValueStore keyValues,
    TimeProvider time,
    IOptions<ReportsOptions> reports,
    IOptions<AssistantOptions> assistant,
    ILogger<QuartzReportScheduler> logger) : IReportScheduler, IDisposable
{
    private const string FiredPrefix = "report-fired:";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _initialized;

    private bool InMemory => !factory.Store.IsPostgres;

    private KeyValueReportScheduler Durable => new(keyValues, time, assistant);

    /// <inheritdoc />
    public Task<ReportSchedule> ScheduleAsync(ReportKind kind, string cron, string chatId, CancellationToken ct) =>
        ScheduleAsync(kind, cron, chatId, "chat", ct);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReportSchedule>> ListAsync(string? chatId, CancellationToken ct)
    {
        var scheduler = await SchedulerAsync(ct).ConfigureAwait(false);
        return await ListAsync(scheduler, chatId, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> CancelAsync(ReportKind kind, string chatId, CancellationToken ct)
    {
        var scheduler = await SchedulerAsync(ct).ConfigureAwait(false);
        var deleted = await scheduler.DeleteJob(ReportJobKeys.Job(kind, chatId), ct).ConfigureAwait(false);
        if (InMemory)
        {
            deleted |= await Durable.CancelAsync(kind, chatId, ct).ConfigureAwait(false);
            await keyValues.DeleteAsync(FiredKey(kind, chatId), ct).ConfigureAwait(false);
        }
        return deleted;
    }

    /// <summary>The scheduler, initialized on first use: configuration schedules applied, in-memory schedules restored.</summary>
    internal async Task<IScheduler> SchedulerAsync(CancellationToken ct)
    {
        var scheduler = await factory.GetAsync(ct).ConfigureAwait(false);
        if (_initialized) return scheduler;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_initialized) return scheduler;
            if (InMemory)
            {
                // This process's own store: what it lists should be what `run` would fire.
                await RestoreAsync(scheduler, ct).ConfigureAwait(false);
                await ApplyConfiguredAsync(scheduler, ct).ConfigureAwait(false);
            }
            _initialized = true;
            return scheduler;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies <c>Reports:Schedules</c> to the shared PostgreSQL store; only the long-running host does this, so a one-shot
    /// verb run with other configuration against the same database cannot add or remove configured schedules.
    /// </summary>
    internal async Task ApplyConfiguredAsync(CancellationToken ct)
    {
        var scheduler = await SchedulerAsync(ct).ConfigureAwait(false);
        if (!InMemory) await ApplyConfiguredAsync(scheduler, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// In memory only: for each schedule whose last occurrence passed while nothing ran, queues one catch-up fire now
    /// (the job marks it late, or skips it when older than <c>Reports:MaxLateness</c>). PostgreSQL has Quartz's misfire
    /// handling for this. Called by the hosted service just before starting the scheduler.
    /// </summary>
    internal async Task QueueMissedAsync(CancellationToken ct)
    {
        if (!InMemory) return;
        var scheduler = await SchedulerAsync(ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ReportJobKeys.Group), ct).ConfigureAwait(false))
        {
            if (await scheduler.GetJobDetail(key, ct).ConfigureAwait(false) is not { } job) continue;
            var kind = ReportJobKeys.ParseKind(job.JobDataMap.Text(ReportJobKeys.Kind));
            var chatId = job.JobDataMap.Text(ReportJobKeys.ChatId)!;
            if (await keyValues.GetAsync(FiredKey(kind, chatId), ct).ConfigureAwait(false) is not { } firedText) continue;
            var fired = DateTimeOffset.Parse(firedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            var zone = Core.Trading.PnlPeriods.Zone(job.JobDataMap.Text(ReportJobKeys.TimeZone));
            if (ReportOccurrence.LatestBetween(QuartzCron.Convert(job.JobDataMap.Text(ReportJobKeys.Cron)!), zone, fired, now) is not { } missed) continue;
            var trigger = TriggerBuilder.Create()
                .WithIdentity(ReportJobKeys.Late(kind, chatId))
                .ForJob(key)
                .UsingJobData(ReportJobKeys.ScheduledFor, missed.ToString("O", CultureInfo.InvariantCulture))
                .StartNow()
                .Build();
            await scheduler.ScheduleJob(trigger, ct).ConfigureAwait(false);
            logger.LogInformation("The {Kind} report for chat {ChatId} was due at {Missed:O} while no instance ran; queued once now", ReportJobKeys.Name(kind), chatId, missed);
        }
    }

    /// <summary>Remembers the occurrence a job last handled (in memory only), so a restart can tell what it missed.</summary>
    internal Task RecordFiredAsync(ReportKind kind, string chatId, DateTimeOffset occurrence, CancellationToken ct) =>
        InMemory ? keyValues.SetAsync(FiredKey(kind, chatId), occurrence.ToString("O", CultureInfo.InvariantCulture), null, ct) : Task.CompletedTask;

    private async Task<ReportSchedule> ScheduleAsync(ReportKind kind, string cron, string chatId, string source, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(chatId)) throw new StepFailedException("A report schedule needs a chat to send to.");
        if (!CronSchedule.TryParse(cron, out var parsed, out var error)) throw new StepFailedException(error!);
        var scheduler = await SchedulerAsync(ct).ConfigureAwait(false);
        return await ScheduleAsync(scheduler, kind, parsed!.Expression, chatId, source, ct).ConfigureAwait(false);
    }

    private async Task<ReportSchedule> ScheduleAsync(IScheduler scheduler, ReportKind kind, string cron, string chatId, string source, CancellationToken ct)
    {
        var schedule = await PutAsync(scheduler, kind, cron, chatId, source, ct).ConfigureAwait(false);
        if (InMemory)
        {
            var now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            if (source == "chat")
            {
                await Durable.ScheduleAsync(kind, cron, chatId, ct).ConfigureAwait(false);
                await keyValues.SetAsync(FiredKey(kind, chatId), now, null, ct).ConfigureAwait(false);
            }
            // Configuration schedules come back from configuration at every start; keep what they last handled.
            else await keyValues.SetIfNotExistsAsync(FiredKey(kind, chatId), now, null, ct).ConfigureAwait(false);
        }
        return schedule;
    }

    private async Task<ReportSchedule> PutAsync(IScheduler scheduler, ReportKind kind, string cron, string chatId, string source, CancellationToken ct)
    {
        var zone = ReportZone.Resolve(reports.Value, assistant.Value);
        var job = JobBuilder.Create<ReportJob>()
            .WithIdentity(ReportJobKeys.Job(kind, chatId))
            .WithDescription($"{ReportJobKeys.Name(kind)} report to chat {chatId}")
            .StoreDurably()
            .UsingJobData(ReportJobKeys.Kind, ReportJobKeys.Name(kind))
            .UsingJobData(ReportJobKeys.ChatId, chatId)
            .UsingJobData(ReportJobKeys.Cron, cron)
            .UsingJobData(ReportJobKeys.TimeZone, zone.Id)
            .UsingJobData(ReportJobKeys.Source, source)
            .Build();
        var now = time.GetUtcNow();
        var expressions = QuartzCron.Convert(cron);
        var triggers = new List<ITrigger>();
        for (var i = 0; i < expressions.Count; i++)
        {
            var trigger = TriggerBuilder.Create()
                .WithIdentity(ReportJobKeys.Trigger(kind, chatId, i))
                .ForJob(job)
                // Fire once at recovery for any number of missed occurrences; the job marks it late or skips it.
                .WithCronSchedule(expressions[i], b => b.InTimeZone(zone).WithMisfireHandlingInstructionFireAndProceed())
                .StartAt(now)
                .Build();
            if (trigger.GetFireTimeAfter(now) is not null) triggers.Add(trigger);
        }
        if (triggers.Count == 0)
            throw new StepFailedException($"The schedule \"{cron}\" never fires (for example the 30th of February). Example: {CronSchedule.Example}.");
        // Replaces the job and drops triggers the new schedule no longer has.
        await scheduler.DeleteJob(job.Key, ct).ConfigureAwait(false);
        await scheduler.ScheduleJob(job, triggers, replace: true, ct).ConfigureAwait(false);
        logger.LogInformation("Scheduled the {Kind} report for chat {ChatId} at \"{Cron}\" ({Zone}, from {Source})", ReportJobKeys.Name(kind), chatId, cron, zone.Id, source);
        return await DescribeAsync(scheduler, job, ct).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<ReportSchedule>> ListAsync(IScheduler scheduler, string? chatId, CancellationToken ct)
    {
        var list = new List<ReportSchedule>();
        // A chat has at most one job per kind, named after both: look those up rather than scan every chat's.
        var keys = chatId is null
            ? await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ReportJobKeys.Group), ct).ConfigureAwait(false)
            : Enum.GetValues<ReportKind>().Select(k => ReportJobKeys.Job(k, chatId)).ToList();
        foreach (var key in keys)
        {
            // A job another instance removed meanwhile is simply not listed.
            if (await scheduler.GetJobDetail(key, ct).ConfigureAwait(false) is not { } job) continue;
            if (chatId is not null && job.JobDataMap.Text(ReportJobKeys.ChatId) != chatId) continue;
            list.Add(await DescribeAsync(scheduler, job, ct).ConfigureAwait(false));
        }
        return list.OrderBy(s => s.ChatId, StringComparer.Ordinal).ThenBy(s => s.Kind).ToList();
    }

    private static async Task<ReportSchedule> DescribeAsync(IScheduler scheduler, IJobDetail job, CancellationToken ct)
    {
        var triggers = await scheduler.GetTriggersOfJob(job.Key, ct).ConfigureAwait(false);
        var next = triggers.Where(t => t.Key.Group == ReportJobKeys.Group).Select(t => t.GetNextFireTimeUtc()).Where(t => t is not null).Min();
        var data = job.JobDataMap;
        return new ReportSchedule(ReportJobKeys.ParseKind(data.Text(ReportJobKeys.Kind)), data.Text(ReportJobKeys.Cron)!,
            data.Text(ReportJobKeys.ChatId)!, data.Text(ReportJobKeys.TimeZone)!, next);
    }

    private async Task RestoreAsync(IScheduler scheduler, CancellationToken ct)
    {
        foreach (var s in await Durable.ListAsync(null, ct).ConfigureAwait(false))
        {
            try
            {
                await PutAsync(scheduler, s.Kind, s.Cron, s.ChatId, "chat", ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StepFailedException or FormatException)
            {
                logger.LogWarning("Not restoring the {Kind} report for chat {ChatId}: {Reason}", ReportJobKeys.Name(s.Kind), s.ChatId, e.Message);
            }
        }
    }

    /// <summary>
    /// Creates or updates the schedules of <c>Reports:Schedules</c> and removes configuration schedules no longer listed.
    /// An unchanged schedule is left alone, so its misfire state (a report due while no instance ran) survives.
    /// </summary>
    private async Task ApplyConfiguredAsync(IScheduler scheduler, CancellationToken ct)
    {
        var zone = ReportZone.Resolve(reports.Value, assistant.Value);
        var wanted = new HashSet<JobKey>();
        foreach (var d in reports.Value.Schedules)
        {
            var chatId = string.IsNullOrWhiteSpace(d.ChatId) ? ReportJobKeys.Admins : d.ChatId.Trim();
            var cron = CronSchedule.Parse(d.Cron).Expression; // validated at start with a message naming the key
            var key = ReportJobKeys.Job(d.Kind, chatId);
            wanted.Add(key);
            var existing = await scheduler.GetJobDetail(key, ct).ConfigureAwait(false);
            if (existing?.JobDataMap.Text(ReportJobKeys.Cron) == cron
                && existing.JobDataMap.Text(ReportJobKeys.TimeZone) == zone.Id
                && existing.JobDataMap.Text(ReportJobKeys.Source) == "config"
                && (await scheduler.GetTriggersOfJob(key, ct).ConfigureAwait(false)).Count > 0)
                continue;
            await ScheduleAsync(scheduler, d.Kind, cron, chatId, "config", ct).ConfigureAwait(false);
        }
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(ReportJobKeys.Group), ct).ConfigureAwait(false))
        {
            if (wanted.Contains(key)) continue;
            if (await scheduler.GetJobDetail(key, ct).ConfigureAwait(false) is { } job && job.JobDataMap.Text(ReportJobKeys.Source) == "config")
            {
                await scheduler.DeleteJob(key, ct).ConfigureAwait(false);
                logger.LogInformation("Removed the configuration schedule {Job}: no longer in Reports:Schedules", key.Name);
            }
        }
    }

    private static string FiredKey(ReportKind kind, string chatId) => $"{FiredPrefix}{chatId}:{ReportJobKeys.Name(kind)}";

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
