using AiTradingBot.Core.Plans;

namespace AiTradingBot.Llm.Tools;

/// <summary>What one tool call turned into: a typed step, a question for the user, or an error saying what was wrong.</summary>
public sealed record ToolCallOutcome(PlanStep? Step, string? Question, string? Error)
{
    /// <summary>A valid step.</summary>
    public static ToolCallOutcome Ok(PlanStep step) => new(step, null, null);

    /// <summary>The model asks the user.</summary>
    public static ToolCallOutcome Ask(string question) => new(null, question, null);

    /// <summary>The call was rejected.</summary>
    public static ToolCallOutcome Fail(string error) => new(null, null, error);
}
