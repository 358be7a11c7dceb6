using AiTradingBot.Core.Plans;

namespace AiTradingBot.Llm.Agent;

/// <summary>
/// Runs one read-only step during the model's turn and returns its result as plain text for the model.
/// Implementations must refuse gated steps: this boundary never changes state.
/// </summary>
public interface IReadOnlyToolRunner
{
    /// <summary>The step's result as plain text; throws <see cref="InvalidOperationException"/> for a gated step.</summary>
    Task<string> RunAsync(PlanStep step, CancellationToken ct);
}
