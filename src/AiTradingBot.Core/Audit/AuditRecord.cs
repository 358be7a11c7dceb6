namespace AiTradingBot.Core.Audit;

/// <summary>The decision recorded for a message or confirmation.</summary>
public enum AuditDecision
{
    /// <summary>Read-only plan executed at once.</summary>
    Executed,
    /// <summary>Nothing actionable or a question asked back.</summary>
    NoAction,
    /// <summary>Refused by authorization, validation or risk.</summary>
    Refused,
    /// <summary>Gated plan waiting for confirmation.</summary>
    Awaiting,
    /// <summary>Confirmed by the same user and executed.</summary>
    Confirmed,
    /// <summary>The confirmation came too late.</summary>
    Expired,
    /// <summary>Cancelled by the user.</summary>
    Cancelled,
    /// <summary>An error prevented handling.</summary>
    Error,
    /// <summary>
    /// A confirmed plan started executing; the row with the same confirmation id and <see cref="Confirmed"/> completes
    /// it. One left alone means the process stopped mid-plan (reported to admins at the next start).
    /// </summary>
    Executing,
}

/// <summary>One step's outcome as audited.</summary>
public sealed record AuditStep(string Action, string Status, string? Detail);

/// <summary>An append-only audit row: who, where, what, the plan, the decision and each step's result. No secrets.</summary>
public sealed record AuditRecord(
    DateTimeOffset Time,
    string Channel,
    string UserId,
    string? UserName,
    string ChatId,
    string Text,
    string? PlanJson,
    AuditDecision Decision,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<AuditStep> Steps,
    string? ConfirmationId,
    string Mode,
    string? TraceId = null);
