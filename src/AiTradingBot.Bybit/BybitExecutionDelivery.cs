using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>
/// Hands executions to the fills path (<see cref="IExecutionSink"/>, idempotent on exec id), skipping those already
/// delivered by this process so a reconnect's reconciliation does not resend what the stream just delivered.
/// </summary>
internal sealed class BybitExecutionDelivery(IExecutionSink sink)
{
    private readonly RecentIds _delivered = new(50_000);
    private long _deliveredCount;
    private long _skipped;
    private long _newestMs = long.MinValue;

    /// <summary>Executions handed to the sink.</summary>
    public long Delivered => Interlocked.Read(ref _deliveredCount);

    /// <summary>Executions skipped because this process had already delivered them.</summary>
    public long SkippedAsSeen => Interlocked.Read(ref _skipped);

    /// <summary>Time of the newest execution delivered by this process, if any.</summary>
    public DateTimeOffset? NewestDelivered => Interlocked.Read(ref _newestMs) is var ms && ms == long.MinValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);

    /// <summary>Delivers the executions not seen before; returns how many were handed over.</summary>
    public async Task<int> DeliverAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
    {
        var fresh = new List<ExecutionReport>(executions.Count);
        var batchIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in executions)
        {
            // No exec id: a defective row the fills path dead-letters (deduplicated there by its content), never "seen".
            if (e.ExecId.Length > 0 && (_delivered.Contains(e.ExecId) || !batchIds.Add(e.ExecId))) { Interlocked.Increment(ref _skipped); continue; }
            fresh.Add(e);
        }
        if (fresh.Count == 0) return 0;
        await sink.OnExecutionsAsync(fresh, ct).ConfigureAwait(false);
        foreach (var e in fresh)
        {
            if (e.ExecId.Length > 0) _delivered.Add(e.ExecId);
            var ms = e.ExecTime.ToUnixTimeMilliseconds();
            long seen;
            while (ms > (seen = Interlocked.Read(ref _newestMs)) && Interlocked.CompareExchange(ref _newestMs, ms, seen) != seen) { }
        }
        Interlocked.Add(ref _deliveredCount, fresh.Count);
        return fresh.Count;
    }
}
