using AiTradingBot.Core.Audit;

namespace AiTradingBot.Storage.Model;

/// <summary>A row of <c>audit_log</c> (append-only; the database rejects updates and deletes).</summary>
internal sealed class AuditRow
{
    public long Id { get; set; }
    public DateTimeOffset Time { get; set; }
    public string Channel { get; set; } = "";
    public string UserId { get; set; } = "";
    public string? UserName { get; set; }
    public string ChatId { get; set; } = "";
    public string Text { get; set; } = "";
    public string? PlanJson { get; set; }
    public AuditDecision Decision { get; set; }
    public string Reasons { get; set; } = "[]";
    public string Steps { get; set; } = "[]";
    public string? ConfirmationId { get; set; }
    public string Mode { get; set; } = "";
    /// <summary>W3C trace id (32 hex digits) of the activity that wrote the row, or null.</summary>
    public string? TraceId { get; set; }
}
