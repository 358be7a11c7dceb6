namespace AiTradingBot.Core.Validation;

/// <summary>What validation found: errors a person can act on (empty when valid).</summary>
public sealed record ValidationOutcome(IReadOnlyList<string> Errors)
{
    /// <summary>True when there is nothing to fix.</summary>
    public bool IsValid => Errors.Count == 0;
}
