using System.Globalization;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Reports;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Scheduling.Cron;
using Hangfire;
using Hangfire.Server;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>
/// Runs one scheduled report: finds the occurrence the run stands for, builds the report with
/// <see cref="ReportBuilder"/> and publishes it to the schedule's chat (every admin for configuration schedules without
/// a chat). A run more than a minute after its occurrence (missed while no instance ran) is marked late; one older than
/// <c>Reports:MaxLateness</c> is skipped and logged. Hangfire runs a job at least once, so the occurrence is claimed in
/// the <see cref="IReportDeliveryLedger"/> first and sent only by the claim that wins: never twice.
/// </summary>
internal sealed class ReportJob(
    ReportBuilder builder,
    NotificationHub hub,
    IReportDeliveryLedger ledger,
    HangfireReportScheduler scheduler,
    TimeProvider time,
    IOptions<ReportsOptions> options,
    ILogger<ReportJob> logger)
{
    /// <summary>A run this long after its occurrence is reported as late.</summary>
    internal static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The job Hangfire runs. Arguments are plain strings (shown on the dashboard, readable by any build): the schedule
    /// id, kind, chat, the 5-field cron as the user gave it, the zone, who owns it (chat or config) and, for a catch-up
    /// run queued at start, the occurrence it stands for. The context and token are Hangfire's.
    /// </summary>
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)] // a failed report is not re-sent late
    [JobDisplayName("{1} report to chat {2} ({3}, {4})")]
    public async Task RunAsync(string scheduleId, string kind, string chatId, string cron, string timeZone, string source, string? scheduledFor, PerformContext? context, CancellationToken ct)
    {
        _ = source;
        var reportKind = ReportJobKeys.ParseKind(kind);
        var zone = Core.Trading.PnlPeriods.Zone(timeZone);
        var maxLateness = options.Value.MaxLateness;
        var now = time.GetUtcNow();
        // When the recurring job scheduler triggered the run (Relaxed misfire handling: "now" for missed occurrences).
        var triggered = context?.GetJobParameter<long?>("Time") is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : now;

        DateTimeOffset? scheduled;
        if (scheduledFor is not null)
            scheduled = DateTimeOffset.Parse(scheduledFor, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        else
        {
            // A run enqueued just before the schedule was cancelled (on any instance) is dropped.
            if (!await scheduler.ExistsAsync(scheduleId, ct).ConfigureAwait(false))
            {
                logger.LogInformation("The {Kind} report for chat {ChatId} was cancelled; not sending it", kind, chatId);
                return;
            }
            scheduled = ReportOccurrence.ForFire(HangfireCron.Convert(cron), zone, triggered, maxLateness * 2 + TimeSpan.FromDays(1));
        }
        if (scheduled is null)
        {
            logger.LogWarning("Skipped the {Kind} report for chat {ChatId}: no occurrence of \"{Cron}\" within {MaxLateness} before {Fired:O}", kind, chatId, cron, maxLateness, triggered);
            return;
        }
        // Recorded first: a skipped or failed occurrence is not retried at the next start.
        await scheduler.RecordFiredAsync(reportKind, chatId, scheduled.Value, ct).ConfigureAwait(false);

        var lateness = now - scheduled.Value;
        if (lateness > maxLateness)
        {
            logger.LogWarning("Skipped the {Kind} report for chat {ChatId} scheduled for {Scheduled:O}: {Lateness} late, more than Reports:MaxLateness {MaxLateness}",
                kind, chatId, scheduled, lateness, maxLateness);
            return;
        }
        var claimant = context?.ServerId ?? Environment.MachineName;
        if (!await ledger.TryClaimAsync(scheduleId, scheduled.Value, claimant, ct).ConfigureAwait(false))
        {
            logger.LogInformation("The {Kind} report for chat {ChatId} scheduled for {Scheduled:O} was already sent (a re-run or another instance); not sending it again", kind, chatId, scheduled);
            return;
        }

        var report = await builder.BuildAsync(reportKind, ct).ConfigureAwait(false);
        var (text, html) = (report.Text, report.Html);
        if (lateness >= LateAfter)
        {
            var note = LateNote(scheduled.Value, now, zone);
            text = $"{note}\n{text}";
            html = $"<i>{HtmlMarkup.Instance.Escape(note)}</i>\n{html}";
            logger.LogInformation("Sending the {Kind} report for chat {ChatId} late: scheduled for {Scheduled:O}, running {Now:O}", kind, chatId, scheduled, now);
        }
        var photo = report.Chart is { } chart ? new NotificationPhoto(chart.Png, chart.Caption) : null;
        await hub.PublishAsync(new Notification(NotificationKind.Report, text, html, chatId == ReportJobKeys.Admins ? null : chatId) { Photo = photo }, ct).ConfigureAwait(false);
        // Bounded labels: the catalog's report kind and whether the run was marked late (never the chat).
        AiTradingBotTelemetry.ReportsSent.Add(1, new("kind", ReportJobKeys.Name(reportKind)), new("late", lateness >= LateAfter ? "true" : "false"));
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
