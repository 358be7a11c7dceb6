using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>Help, generated from the catalog.</summary>
public sealed class HelpStepHandler : IStepHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } = [typeof(HelpArgs)];

    /// <inheritdoc />
    public Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct) =>
        Task.FromResult<StepResult>(new HelpResult(ActionCatalog.All));
}
