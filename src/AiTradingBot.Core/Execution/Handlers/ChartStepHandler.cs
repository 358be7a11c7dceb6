using AiTradingBot.Core.Charts;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>The chart plugin: <c>portfolio.chart</c>.</summary>
public sealed class ChartStepHandler(ChartService charts) : IStepHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } = [typeof(PortfolioChartArgs)];

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct) => args switch
    {
        PortfolioChartArgs a => await charts.RenderAsync(a.Kind, a.Period, a.System, ct).ConfigureAwait(false),
        _ => throw new StepFailedException($"{args.GetType().Name} is not a chart action."),
    };
}
