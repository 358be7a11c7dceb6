namespace AiTradingBot.Llm.Evaluation;

/// <summary>
/// Corpus categories in the Berkeley Function Calling Leaderboard's sense, decided from the expected plan only:
/// every tool is always offered, so BFCL's "simple" and "multiple" (one call chosen among many) are both
/// <see cref="Single"/>; BFCL's "parallel" (one function called several times) is <see cref="Multiple"/>;
/// BFCL's "parallel multiple" (several functions) is <see cref="Compound"/>.
/// </summary>
public enum EvalCategory
{
    /// <summary>Exactly one expected step.</summary>
    Single,
    /// <summary>Two or more expected steps, all of the same action ("stop alpha and bravo").</summary>
    Multiple,
    /// <summary>Two or more expected steps of different actions ("stop alpha and show me its logs").</summary>
    Compound,
    /// <summary>Expected <c>none</c>: nothing actionable (chit-chat, advice, negations, hypotheticals).</summary>
    Irrelevance,
    /// <summary>Expected <c>clarify</c>: a required argument is missing.</summary>
    MissingArgument,
}
