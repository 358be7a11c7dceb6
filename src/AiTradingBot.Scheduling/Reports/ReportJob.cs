using System.Globalization;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Reports;
using AiTradingBot.Scheduling.Cron;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>
/// Fires one scheduled report: builds it with <see cref="ReportBuilder"/> and publishes it to the schedule's chat
/// (every admin for configuration schedules without a chat). A fire more than a minute after its occurrence (a misfire
/// recovered at start) is marked late; one older than <c>Reports:MaxLateness</c> is skipped and logged. An occurrence
/// is sent at most once: runs of a job never overlap (cluster-wide on PostgreSQL) and the last sent occurrence is kept
/// in the job's data.
/// </summary>
[DisallowConcurrentExecution]
[PersistJobDataAfterExecution]
internal sealed class ReportJob(
    ReportBuilder builder,
    NotificationHub hub,
    IKeyValueStore keyValues,
    QuartzReportScheduler scheduler,
    IOptions<ReportsOptions> options,
    ILogger<ReportJob> logger) : IJob
{
    /// <summary>A fire this long after its occurrence is reported as late.</summary>
    internal static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(1);

    /// <inheritdoc />
    public async Task Execute(IJobExecutionContext context)
    {
        var ct = context.CancellationToken;
        var data = context.JobDetail.JobDataMap;
        var kind = ReportJobKeys.ParseKind(data.Text(ReportJobKeys.Kind));
        var chatId = data.Text(ReportJobKeys.ChatId) ?? ReportJobKeys.Admins;
        var cron = data.Text(ReportJobKeys.Cron) ?? "";
        var zone = Core.Trading.PnlPeriods.Zone(data.Text(ReportJobKeys.TimeZone));
        var maxLateness = options.Value.MaxLateness;
        var fired = context.FireTimeUtc;

        var scheduled = context.Trigger.JobDataMap.Text(ReportJobKeys.ScheduledFor) is { } catchUp
            ? DateTimeOffset.Parse(catchUp, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)
            : ReportOccurrence.ForFire(QuartzCron.Convert(cron), zone, fired, maxLateness * 2 + TimeSpan.FromDays(1));
        if (scheduled is null)
        {
            logger.LogWarning("Skipped the {Kind} report for chat {ChatId}: no occurrence of \"{Cron}\" within {MaxLateness} before {Fired:O}", ReportJobKeys.Name(kind), chatId, cron, maxLateness, fired);
            return;
        }
        if (data.Text(ReportJobKeys.LastScheduled) is { } last
            && DateTimeOffset.Parse(last, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind) >= scheduled.Value)
        {
            logger.LogDebug("The {Kind} report for chat {ChatId} scheduled for {Scheduled:O} was already sent", ReportJobKeys.Name(kind), chatId, scheduled);
            return;
        }
        // Recorded first: a skipped or failed occurrence is not retried at the next start.
        data[ReportJobKeys.LastScheduled] = scheduled.Value.ToString("O", CultureInfo.InvariantCulture);
        await scheduler.RecordFiredAsync(kind, chatId, scheduled.Value, ct).ConfigureAwait(false);

        var lateness = fired - scheduled.Value;
        if (lateness > maxLateness)
        {
            logger.LogWarning("Skipped the {Kind} report for chat {ChatId} scheduled for {Scheduled:O}: {Lateness} late, more than Reports:MaxLateness {MaxLateness}",
                ReportJobKeys.Name(kind), chatId, scheduled, lateness, maxLateness);
            return;
        }
        // Several instances sharing Redis without PostgreSQL each run their own in-memory scheduler: one of them sends.
        if (!await keyValues.SetIfNotExistsAsync($"report-sent:{chatId}:{ReportJobKeys.Name(kind)}:{scheduled.Value.UtcTicks}", context.Scheduler.SchedulerInstanceId, maxLateness + TimeSpan.FromDays(1), ct).ConfigureAwait(false))
        {
            logger.LogDebug("The {Kind} report for chat {ChatId} scheduled for {Scheduled:O} was sent by another instance", ReportJobKeys.Name(kind), chatId, scheduled);
            return;
        }

        var report = await builder.BuildAsync(kind, ct).ConfigureAwait(false);
        var (text, html) = (report.Text, report.Html);
        if (lateness >= LateAfter)
        {
            var note = LateNote(scheduled.Value, fired, zone);
            text = $"{note}\n{text}";
            html = $"<i>{HtmlMarkup.Instance.Escape(note)}</i>\n{html}";
            logger.LogInformation("Sending the {Kind} report for chat {ChatId} late: scheduled for {Scheduled:O}, firing {Fired:O}", ReportJobKeys.Name(kind), chatId, scheduled, fired);
        }
        var photo = report.Chart is { } chart ? new NotificationPhoto(chart.Png, chart.Caption) : null;
        await hub.PublishAsync(new Notification(NotificationKind.Report, text, html, chatId == ReportJobKeys.Admins ? null : chatId) { Photo = photo }, ct).ConfigureAwait(false);
    }

    /// <summary>"⏰ late: scheduled for 08:00 (UTC)", with the date when it was another day.</summary>
    internal static string LateNote(DateTimeOffset scheduled, DateTimeOffset fired, TimeZoneInfo zone)
    {
        var at = TimeZoneInfo.ConvertTime(scheduled, zone);
        var now = TimeZoneInfo.ConvertTime(fired, zone);
        var when = at.Date == now.Date ? at.ToString("HH:mm", CultureInfo.InvariantCulture) : at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        return $"⏰ late: scheduled for {when} ({zone.Id})";
    }
}
