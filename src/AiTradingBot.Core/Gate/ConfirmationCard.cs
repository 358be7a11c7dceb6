using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Gate;

/// <summary>One line of a confirmation card, rendered from a typed step (never from model prose).</summary>
public sealed record CardLine(string Action, string Text, bool Gated, decimal? EstimatedNotional);

/// <summary>
/// What the user is asked to confirm: every step described from its typed arguments, mode (PAPER/LIVE),
/// estimated notional and risk warnings.
/// </summary>
public sealed record ConfirmationCard(
    string Id,
    IReadOnlyList<PlanStep> Steps,
    IReadOnlyList<CardLine> Lines,
    string ModeLabel,
    decimal? EstimatedNotional,
    IReadOnlyList<string> Warnings,
    DateTimeOffset ExpiresAt);
