using AiTradingBot.Core.Audit;

namespace AiTradingBot.Core.Ports;

/// <summary>Append-only audit log. Records arrive already redacted.</summary>
public interface IAuditLog
{
    /// <summary>Appends one record.</summary>
    Task AppendAsync(AuditRecord record, CancellationToken ct);

    /// <summary>The newest records, newest first (for reports and tests).</summary>
    Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken ct);
}
