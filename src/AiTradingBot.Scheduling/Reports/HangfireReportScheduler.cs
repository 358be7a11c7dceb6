using System.Globalization;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Reports;
using AiTradingBot.Scheduling.Cron;
using AiTradingBot.Scheduling.Infrastructure;
using Hangfire;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>
/// Report schedules as Hangfire recurring jobs: one per (chat, kind), id <c>report:&lt;chat&gt;:&lt;kind&gt;</c> (plus
/// <c>…:weekdays</c> when both day fields are restricted, see <see cref="HangfireCron"/>), evaluated in the configured
/// zone, missed occurrences run once (<see cref="MisfireHandlingMode.Relaxed"/>; the job marks them late or skips them).
/// On PostgreSQL the jobs live in the shared storage, so every instance lists the same schedules and each occurrence is
/// enqueued once. In memory, chat schedules are also written to the durable live-state store
/// (<see cref="KeyValueReportScheduler"/>'s keys) and restored from it on first use, and what was missed while no
/// process ran is queued once at start. Schedules from <c>Reports:Schedules</c> are applied at start of the
/// long-running host (and, in memory, whenever a process first uses its scheduler).
/// </summary>
internal sealed class HangfireReportScheduler(
    SchedulerStorage storage,
    IKeyValueStore keyValues,
    TimeProvider time,
    IOptions<ReportsOptions> reports,
    IOptions<AssistantOptions> assistant,
    ILogger<HangfireReportScheduler> logger) : IReportScheduler, IDisposable
{
    private const string FiredPrefix = "report-fired:";
    private const string ChatSource = "chat";
    private const string ConfigSource = "config";
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _initialized;

    private bool InMemory => !storage.IsPostgres;

    private KeyValueReportScheduler Durable => new(keyValues, time, assistant);

    /// <inheritdoc />
    public async Task<ReportSchedule> ScheduleAsync(ReportKind kind, string cron, string chatId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(chatId)) throw new StepFailedException("A report schedule needs a chat to send to.");
        if (!CronSchedule.TryParse(cron, out var parsed, out var error)) throw new StepFailedException(error!);
        var jobs = await StorageAsync(ct).ConfigureAwait(false);
        return await ScheduleAsync(jobs, kind, parsed!.Expression, chatId.Trim(), ChatSource, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReportSchedule>> ListAsync(string? chatId, CancellationToken ct)
    {
        var jobs = await StorageAsync(ct).ConfigureAwait(false);
        return Read(jobs, chatId).Select(s => s.Schedule).ToList();
    }

    /// <inheritdoc />
    public async Task<bool> CancelAsync(ReportKind kind, string chatId, CancellationToken ct)
    {
        var jobs = await StorageAsync(ct).ConfigureAwait(false);
        var id = ReportJobKeys.Id(kind, chatId);
        var deleted = Exists(jobs, id);
        var manager = new RecurringJobManager(jobs);
        foreach (var part in ReportJobKeys.Parts(id)) manager.RemoveIfExists(part);
        if (InMemory)
        {
            deleted |= await Durable.CancelAsync(kind, chatId, ct).ConfigureAwait(false);
            await keyValues.DeleteAsync(FiredKey(kind, chatId), ct).ConfigureAwait(false);
        }
        if (deleted) logger.LogInformation("Cancelled the {Kind} report for chat {ChatId}", ReportJobKeys.Name(kind), chatId);
        return deleted;
    }

    /// <summary>True while the schedule exists in the storage (any instance may have cancelled it).</summary>
    internal async Task<bool> ExistsAsync(string scheduleId, CancellationToken ct) => Exists(await StorageAsync(ct).ConfigureAwait(false), scheduleId);

    /// <summary>The storage, initialized on first use: in memory, schedules restored and configuration schedules applied.</summary>
    internal async Task<JobStorage> StorageAsync(CancellationToken ct)
    {
        var jobs = await storage.GetAsync(ct).ConfigureAwait(false);
        if (_initialized) return jobs;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_initialized) return jobs;
            if (InMemory)
            {
                // This process's own storage: what it lists should be what `run` would send.
                await RestoreAsync(jobs, ct).ConfigureAwait(false);
                await ApplyConfiguredAsync(jobs, ct).ConfigureAwait(false);
            }
            _initialized = true;
            return jobs;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Applies <c>Reports:Schedules</c> to the shared PostgreSQL storage; only the long-running host does this, so a
    /// one-shot verb run with other configuration against the same database cannot add or remove configured schedules.
    /// </summary>
    internal async Task ApplyConfiguredAsync(CancellationToken ct)
    {
        var jobs = await StorageAsync(ct).ConfigureAwait(false);
        if (!InMemory) await ApplyConfiguredAsync(jobs, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// In memory only: for each schedule whose last occurrence passed while nothing ran, queues one catch-up run now (the
    /// job marks it late, or skips it when older than <c>Reports:MaxLateness</c>). On PostgreSQL the recurring job
    /// survives the restart and Hangfire's misfire handling does this. Called by the hosted service before the server starts.
    /// </summary>
    internal async Task QueueMissedAsync(CancellationToken ct)
    {
        if (!InMemory) return;
        var jobs = await StorageAsync(ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var client = new BackgroundJobClient(jobs);
        foreach (var (schedule, source) in Read(jobs, null))
        {
            if (await keyValues.GetAsync(FiredKey(schedule.Kind, schedule.ChatId), ct).ConfigureAwait(false) is not { } firedText) continue;
            var fired = DateTimeOffset.Parse(firedText, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            var zone = Core.Trading.PnlPeriods.Zone(schedule.TimeZone);
            if (ReportOccurrence.LatestBetween(HangfireCron.Convert(schedule.Cron), zone, fired, now) is not { } missed) continue;
            var (id, kind, chatId, cron, zoneId, at) = (ReportJobKeys.Id(schedule.Kind, schedule.ChatId), ReportJobKeys.Name(schedule.Kind), schedule.ChatId, schedule.Cron, schedule.TimeZone, missed.ToString("O", CultureInfo.InvariantCulture));
            client.Create<ReportJob>(j => j.RunAsync(id, kind, chatId, cron, zoneId, source, at, null, CancellationToken.None), new EnqueuedState(ReportJobKeys.Queue));
            logger.LogInformation("The {Kind} report for chat {ChatId} was due at {Missed:O} while no instance ran; queued once now", kind, chatId, missed);
        }
    }

    /// <summary>Remembers the occurrence a job last handled (in memory only), so a restart can tell what it missed.</summary>
    internal Task RecordFiredAsync(ReportKind kind, string chatId, DateTimeOffset occurrence, CancellationToken ct) =>
        InMemory ? keyValues.SetAsync(FiredKey(kind, chatId), occurrence.ToString("O", CultureInfo.InvariantCulture), null, ct) : Task.CompletedTask;

    private async Task<ReportSchedule> ScheduleAsync(JobStorage jobs, ReportKind kind, string cron, string chatId, string source, CancellationToken ct)
    {
        var schedule = Put(jobs, kind, cron, chatId, source);
        if (InMemory)
        {
            var now = time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
            if (source == ChatSource)
            {
                await Durable.ScheduleAsync(kind, cron, chatId, ct).ConfigureAwait(false);
                await keyValues.SetAsync(FiredKey(kind, chatId), now, null, ct).ConfigureAwait(false);
            }
            // Configuration schedules come back from configuration at every start; keep what they last handled.
            else await keyValues.SetIfNotExistsAsync(FiredKey(kind, chatId), now, null, ct).ConfigureAwait(false);
        }
        return schedule;
    }

    /// <summary>Adds or replaces the recurring job(s) of a schedule; validated cron in, its listing out.</summary>
    private ReportSchedule Put(JobStorage jobs, ReportKind kind, string cron, string chatId, string source)
    {
        var zone = ReportZone.Resolve(reports.Value, assistant.Value);
        var expressions = HangfireCron.Convert(cron);
        if (HangfireCron.NextAfter(expressions, zone, time.GetUtcNow()) is null)
            throw new StepFailedException($"The schedule \"{cron}\" never fires (for example the 30th of February). Example: {CronSchedule.Example}.");
        var id = ReportJobKeys.Id(kind, chatId);
        var name = ReportJobKeys.Name(kind);
        var zoneId = zone.Id;
        var manager = new RecurringJobManager(jobs);
        var parts = ReportJobKeys.Parts(id);
        for (var i = 0; i < parts.Count; i++)
        {
            if (i >= expressions.Count)
            {
                // A schedule that no longer needs its second half (looked up first: removing takes a lock).
                if (Exists(jobs, parts[i])) manager.RemoveIfExists(parts[i]);
                continue;
            }
            manager.AddOrUpdate<ReportJob>(parts[i], ReportJobKeys.Queue,
                j => j.RunAsync(id, name, chatId, cron, zoneId, source, null, null, CancellationToken.None),
                expressions[i],
                new RecurringJobOptions { TimeZone = zone, MisfireHandling = MisfireHandlingMode.Relaxed });
        }
        logger.LogInformation("Scheduled the {Kind} report for chat {ChatId} at \"{Cron}\" ({Zone}, from {Source})", name, chatId, cron, zoneId, source);
        return Read(jobs, chatId, parts).Single().Schedule;
    }

    /// <summary>Report schedules in the storage (one per schedule, its parts merged), optionally for one chat.</summary>
    private List<(ReportSchedule Schedule, string Source)> Read(JobStorage jobs, string? chatId, IEnumerable<string>? ids = null)
    {
        using var connection = jobs.GetConnection();
        // A chat has at most one schedule per kind, named after both: look those up rather than scan every chat's.
        ids ??= chatId is null ? null : Enum.GetValues<ReportKind>().SelectMany(k => ReportJobKeys.Parts(ReportJobKeys.Id(k, chatId)));
        var dtos = ids is null ? connection.GetRecurringJobs() : connection.GetRecurringJobs(ids);
        var list = new List<(ReportSchedule, string)>();
        foreach (var group in dtos.Where(d => !d.Removed && d.Id.StartsWith(ReportJobKeys.Prefix, StringComparison.Ordinal)).GroupBy(d => ScheduleIdOf(d)))
        {
            if (group.Key is null || group.FirstOrDefault(d => d.Id == group.Key) is not { } first) continue;
            if (first.Job?.Args is not { Count: >= 6 } args)
            {
                logger.LogWarning("Recurring job {Id} is not a report job this build can read ({Error}); not listed", first.Id, first.LoadException?.Message ?? "unexpected arguments");
                continue;
            }
            var next = group.Select(d => d.NextExecution).Where(n => n is not null).Select(n => (DateTimeOffset?)new DateTimeOffset(DateTime.SpecifyKind(n!.Value, DateTimeKind.Utc))).Min();
            var schedule = new ReportSchedule(ReportJobKeys.ParseKind((string)args[1]), (string)args[3], (string)args[2], (string)args[4], next);
            if (chatId is not null && schedule.ChatId != chatId) continue;
            list.Add((schedule, (string)args[5]));
        }
        return list.OrderBy(s => s.Item1.ChatId, StringComparer.Ordinal).ThenBy(s => s.Item1.Kind).ToList();
    }

    /// <summary>The schedule a recurring job belongs to (its first job argument), null for other jobs.</summary>
    private static string? ScheduleIdOf(RecurringJobDto dto) =>
        dto.Job?.Type == typeof(ReportJob) && dto.Job.Args is { Count: > 0 } args ? args[0] as string : null;

    private static bool Exists(JobStorage jobs, string scheduleId)
    {
        using var connection = jobs.GetConnection();
        return connection.GetRecurringJobs([scheduleId]).Any(d => !d.Removed);
    }

    private async Task RestoreAsync(JobStorage jobs, CancellationToken ct)
    {
        foreach (var s in await Durable.ListAsync(null, ct).ConfigureAwait(false))
        {
            try
            {
                Put(jobs, s.Kind, s.Cron, s.ChatId, ChatSource);
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
    private async Task ApplyConfiguredAsync(JobStorage jobs, CancellationToken ct)
    {
        var zone = ReportZone.Resolve(reports.Value, assistant.Value);
        var existing = Read(jobs, null).ToDictionary(s => ReportJobKeys.Id(s.Schedule.Kind, s.Schedule.ChatId));
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in reports.Value.Schedules)
        {
            var chatId = string.IsNullOrWhiteSpace(d.ChatId) ? ReportJobKeys.Admins : d.ChatId.Trim();
            var cron = CronSchedule.Parse(d.Cron).Expression; // validated at start with a message naming the key
            var id = ReportJobKeys.Id(d.Kind, chatId);
            wanted.Add(id);
            if (existing.TryGetValue(id, out var current) && current.Source == ConfigSource && current.Schedule.Cron == cron && current.Schedule.TimeZone == zone.Id && current.Schedule.NextFire is not null)
                continue;
            await ScheduleAsync(jobs, d.Kind, cron, chatId, ConfigSource, ct).ConfigureAwait(false);
        }
        var manager = new RecurringJobManager(jobs);
        foreach (var (id, (schedule, source)) in existing)
        {
            if (wanted.Contains(id) || source != ConfigSource) continue;
            foreach (var part in ReportJobKeys.Parts(id)) manager.RemoveIfExists(part);
            logger.LogInformation("Removed the configuration schedule {Id}: no longer in Reports:Schedules", id);
        }
    }

    private static string FiredKey(ReportKind kind, string chatId) => $"{FiredPrefix}{chatId}:{ReportJobKeys.Name(kind)}";

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
