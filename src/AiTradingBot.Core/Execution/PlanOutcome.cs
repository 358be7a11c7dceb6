using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Execution;

/// <summary>How a step ended.</summary>
public enum StepStatus { Succeeded, Failed, Skipped }

/// <summary>One step's outcome: result when it succeeded, error when it failed, nothing when skipped.</summary>
public sealed record StepOutcome(PlanStep Step, StepStatus Status, StepResult? Result, string? Error, TimeSpan Elapsed);

/// <summary>What ran, what failed and what was skipped after the first failure.</summary>
public sealed record PlanOutcome(IReadOnlyList<StepOutcome> Steps)
{
    /// <summary>True when every step succeeded.</summary>
    public bool Succeeded => Steps.All(s => s.Status == StepStatus.Succeeded);
}
