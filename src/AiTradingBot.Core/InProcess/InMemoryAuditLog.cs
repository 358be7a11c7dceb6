using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.InProcess;

/// <summary>In-process audit log keeping the newest records (tests; the host adds a file sink by default).</summary>
public sealed class InMemoryAuditLog(int capacity = 10_000) : IAuditLog
{
    private readonly Lock _gate = new();
    private readonly LinkedList<AuditRecord> _records = new();

    /// <inheritdoc />
    public Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        lock (_gate)
        {
            _records.AddFirst(record);
            if (_records.Count > capacity) _records.RemoveLast();
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult<IReadOnlyList<AuditRecord>>(_records.Take(count).ToList());
    }
}
