using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Execution;

/// <summary>Who runs a step, where, and under which confirmation (client order ids derive from it).</summary>
public sealed record StepContext(Principal User, string Channel, string ChatId, string Reference, int StepIndex);

/// <summary>Executes the actions of one area (a plugin): systems, trading, portfolio, reports, help.</summary>
public interface IStepHandler
{
    /// <summary>The args record types this handler executes.</summary>
    IReadOnlyCollection<Type> Handles { get; }

    /// <summary>Executes one step; failures throw with a message a person can act on.</summary>
    Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct);
}

/// <summary>A step failure whose message is meant for the user.</summary>
public sealed class StepFailedException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>What the step did before it failed (a partial killswitch), shown with the failure.</summary>
    public StepResult? Partial { get; init; }
}
