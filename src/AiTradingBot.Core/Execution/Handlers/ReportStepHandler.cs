using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Reports;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>The reports plugin: send now, schedule, list and cancel recurring reports for the chat.</summary>
public sealed class ReportStepHandler(ReportBuilder reports, IReportScheduler scheduler) : IStepHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } = [typeof(ReportSendArgs), typeof(ReportScheduleArgs), typeof(ReportListArgs), typeof(ReportCancelArgs)];

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct) => args switch
    {
        ReportSendArgs a => await reports.BuildAsync(a.Kind, ct).ConfigureAwait(false),
        ReportScheduleArgs a => new ReportScheduledResult(await scheduler.ScheduleAsync(a.Kind, a.Cron, context.ChatId, ct).ConfigureAwait(false)),
        ReportListArgs => new ReportListResult(await scheduler.ListAsync(context.ChatId, ct).ConfigureAwait(false)),
        ReportCancelArgs a => new ReportCancelledResult(a.Kind, await scheduler.CancelAsync(a.Kind, context.ChatId, ct).ConfigureAwait(false)),
        _ => throw new StepFailedException($"{args.GetType().Name} is not a report action."),
    };
}
