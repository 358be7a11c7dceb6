using AiTradingBot.Core.Plans;

namespace AiTradingBot.Llm.Agent;

/// <summary>
/// Runs one read-only step during the model's turn and returns its result as plain text for the model.
/// Implementations must refuse any step whose effect is not read: this boundary never changes state.
/// </summary>
public interface IReadOnlyToolRunner
{
    /// <summary>
    /// The step's result as plain text; throws <see cref="InvalidOperationException"/> for a step that is not read-only.
    /// <paramref name="conversation"/> names whose turn it is (channel, chat and user), for the audit.
    /// </summary>
    Task<string> RunAsync(PlanStep step, string? conversation, CancellationToken ct);
}
