using System.Collections.Concurrent;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit.Tests.Support;

/// <summary>
/// An in-memory fills path for tests: stores executions idempotently on exec id (as the real store does), answers
/// the newest execution time, and counts what was delivered more than once.
/// </summary>
public sealed class InMemoryFills : IExecutionSink, IFillStore
{
    private readonly ConcurrentDictionary<string, ExecutionReport> _stored = new(StringComparer.Ordinal);
    private int _deliveries;
    private int _redelivered;
    private readonly Lock _lock = new();

    /// <summary>Stored executions by exec id.</summary>
    public IReadOnlyDictionary<string, ExecutionReport> Stored => _stored;

    /// <summary>Executions handed to the sink in total.</summary>
    public int Deliveries => Volatile.Read(ref _deliveries);

    /// <summary>Deliveries of an exec id already stored (the sink ignored them).</summary>
    public int Redelivered => Volatile.Read(ref _redelivered);

    /// <summary>Make the next ingest throw (a database outage).</summary>
    public int FailNextIngests { get; set; }

    public Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct) => IngestAsync(executions, ct);

    public Task<FillIngestResult> IngestAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
    {
        lock (_lock)
        {
            if (FailNextIngests > 0) { FailNextIngests--; throw new InvalidOperationException("store unavailable"); }
            var fresh = new List<Fill>();
            foreach (var e in executions)
            {
                _deliveries++;
                if (!_stored.TryAdd(e.ExecId, e)) { _redelivered++; continue; }
                fresh.Add(new Fill(e.ExecId, e.OrderId, e.ClientOrderId, e.BotId, e.Symbol, e.Category, e.Side, e.Price, e.Qty, e.Fee, e.ExecTime, 0m, false, e.CloseReason));
            }
            return Task.FromResult(new FillIngestResult(fresh, []));
        }
    }

    public Task<IReadOnlyList<Fill>> QueryAsync(FillQuery query, CancellationToken ct) => throw new NotSupportedException();

    public Task<DateTimeOffset?> LastExecutionTimeAsync(CancellationToken ct) =>
        Task.FromResult(_stored.IsEmpty ? null : (DateTimeOffset?)_stored.Values.Max(e => e.ExecTime));
}
