namespace AiTradingBot.Llm.Evaluation;

/// <summary>How one corpus case was scored. Expected and actual are plan JSON (actual is the error when it threw).</summary>
public sealed record CaseResult(int Line, string Text, EvalCategory Category, bool Correct, bool Unsafe, string Expected, string Actual, string? Error);
