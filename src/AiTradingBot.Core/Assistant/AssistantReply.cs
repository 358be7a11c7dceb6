using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Assistant;

/// <summary>What the assistant did with a message or confirmation.</summary>
public enum ReplyKind
{
    /// <summary>The plan ran (see <see cref="AssistantReply.Outcome"/>; it may contain a failed step).</summary>
    Done,
    /// <summary>A gated plan waits for the same user to confirm (see <see cref="AssistantReply.Card"/>).</summary>
    AwaitingConfirmation,
    /// <summary>A question back: a required argument is missing or the text is ambiguous.</summary>
    Clarify,
    /// <summary>Nothing actionable.</summary>
    Nothing,
    /// <summary>Refused by validation or risk; final.</summary>
    Refused,
    /// <summary>The user is not authorized.</summary>
    AccessDenied,
    /// <summary>The confirmation expired; send the command again.</summary>
    Expired,
    /// <summary>The confirmation was already used or cancelled.</summary>
    AlreadyHandled,
    /// <summary>The confirmation belongs to another user or chat, or does not exist.</summary>
    NotYours,
    /// <summary>The pending plan was cancelled.</summary>
    Cancelled,
    /// <summary>Something failed before execution; see messages.</summary>
    Error,
}

/// <summary>
/// The assistant's answer, typed: channels render it and never decide anything. <see cref="Messages"/> holds
/// the human-readable reasons (refusals, questions, errors); results are in <see cref="Outcome"/>.
/// </summary>
public sealed record AssistantReply(
    ReplyKind Kind,
    Plan? Plan,
    PlanOutcome? Outcome,
    ConfirmationCard? Card,
    IReadOnlyList<string> Messages,
    string ModeLabel)
{
    /// <summary>Warnings from risk that did not deny.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Exit code for the <c>ask</c> verb: 0 done; 2 clarify/nothing; 3 awaiting; 4 refused; 1 error.</summary>
    public int ExitCode => Kind switch
    {
        ReplyKind.Done => Outcome is { Succeeded: false } ? 1 : 0,
        ReplyKind.Clarify or ReplyKind.Nothing => 2,
        ReplyKind.AwaitingConfirmation => 3,
        ReplyKind.Refused or ReplyKind.AccessDenied => 4,
        ReplyKind.Cancelled => 0,
        _ => 1,
    };
}
