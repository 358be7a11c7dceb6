using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans;

/// <summary>
/// What every input becomes: an ordered list of typed steps (or a question, or nothing).
/// Only plans are validated, risk-checked, gated, executed and audited.
/// </summary>
public sealed record Plan
{
    /// <summary>The message this plan was made from.</summary>
    public required string Input { get; init; }

    /// <summary>plan, clarify or none.</summary>
    public required PlanKind Kind { get; init; }

    /// <summary>Steps in execution order; empty unless <see cref="Kind"/> is <see cref="PlanKind.Plan"/>.</summary>
    public IReadOnlyList<PlanStep> Steps { get; init; } = [];

    /// <summary>The question to ask when <see cref="Kind"/> is <see cref="PlanKind.Clarify"/>.</summary>
    public string? Clarify { get; init; }

    /// <summary>Why nothing is actionable, for the reply (not part of the JSON contract).</summary>
    public string? Reason { get; init; }

    /// <summary>What the interpreter assumed while reading the message (e.g. "read 'restrat' as 'restart'"), shown on the card.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Who made the plan: a deterministic parser (default) or a language model.</summary>
    public PlanOrigin Origin { get; init; }

    /// <summary>Things the reply must tell the user about how the plan was made (e.g. steps that were dropped and why).</summary>
    public IReadOnlyList<string> Notices { get; init; } = [];

    /// <summary>True when any step needs the user's confirmation (see <see cref="NeedsConfirmation"/>).</summary>
    public bool Confirm => Steps.Any(NeedsConfirmation);

    /// <summary>
    /// Whether a step of this plan waits for the user's confirmation: every gated step, and every write step a
    /// language model proposed (a model may not change even the assistant's own state unseen).
    /// </summary>
    public bool NeedsConfirmation(PlanStep step) =>
        step.Effect == ActionEffect.Gated || (step.Effect == ActionEffect.Write && Origin == PlanOrigin.Model);

    /// <summary>A plan of steps.</summary>
    public static Plan Of(string input, params IEnumerable<PlanStep> steps)
    {
        var list = steps.ToList();
        return list.Count == 0 ? Nothing(input) : new Plan { Input = input, Kind = PlanKind.Plan, Steps = list };
    }

    /// <summary>Ask the user a question instead of guessing.</summary>
    public static Plan Clarification(string input, string question) =>
        new() { Input = input, Kind = PlanKind.Clarify, Clarify = question };

    /// <summary>Nothing actionable.</summary>
    public static Plan Nothing(string input, string? reason = null) =>
        new() { Input = input, Kind = PlanKind.None, Reason = reason };

    /// <summary>Value equality of the steps (records compare by value; lists do not).</summary>
    public bool SameStepsAs(Plan other) => Kind == other.Kind && Steps.SequenceEqual(other.Steps);
}

/// <summary>Who made a plan.</summary>
public enum PlanOrigin
{
    /// <summary>The slash parser, the offline parser, a button or a scheduled job.</summary>
    Deterministic,
    /// <summary>A language model: every state-changing step needs confirmation, and <c>ask --yes</c> does not give it.</summary>
    Model,
}
