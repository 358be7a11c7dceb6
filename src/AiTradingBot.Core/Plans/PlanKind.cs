namespace AiTradingBot.Core.Plans;

/// <summary>What an interpreter made of a message.</summary>
public enum PlanKind
{
    /// <summary>Steps to run.</summary>
    Plan,
    /// <summary>A required argument is missing or the text is ambiguous: ask.</summary>
    Clarify,
    /// <summary>Nothing actionable (chit-chat, advice, hypotheticals, negations).</summary>
    None,
}
