using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.InProcess;

/// <summary>In-process fill store (tests, benchmarks): idempotent on exec id, positions by average price per (bot, symbol, category).</summary>
public sealed class InMemoryFillStore : IFillStore
{
    private readonly Lock _gate = new();
    private readonly List<Fill> _fills = [];
    private readonly HashSet<string> _execIds = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Bot, string Symbol, Plans.OrderCategory Category), (decimal Qty, decimal Avg)> _positions = [];
    private readonly Dictionary<string, DeadLetteredExecution> _deadLetters = new(StringComparer.Ordinal);

    /// <summary>Every dead letter kept, by dedupe key.</summary>
    public IReadOnlyList<DeadLetteredExecution> DeadLetters { get { lock (_gate) return _deadLetters.Values.ToList(); } }

    /// <inheritdoc />
    public Task<FillIngestResult> IngestAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
    {
        var fresh = new List<Fill>();
        var changed = new Dictionary<(string, string, Plans.OrderCategory), BotPosition>();
        var dead = new List<DeadLetteredExecution>();
        lock (_gate)
        {
            foreach (var e in executions)
            {
                if (ExecutionDefects.Find(e) is { } defect)
                {
                    var letter = ExecutionDefects.DeadLetter(e, defect.Kind, defect.Reason, null);
                    if (_deadLetters.TryAdd(ExecutionDefects.DedupeKey(letter), letter)) dead.Add(letter);
                    continue;
                }
                if (!_execIds.Add(e.ExecId)) continue;
                var key = (e.BotId, e.Symbol, e.Category);
                var (qty, avg) = _positions.GetValueOrDefault(key);
                var next = PositionAccounting.Apply(qty, avg, e.Side, e.Qty, e.Price);
                _positions[key] = (next.Qty, next.AveragePrice);
                var fill = new Fill(e.ExecId, e.OrderId, e.ClientOrderId, e.BotId, e.Symbol, e.Category, e.Side, e.Price, e.Qty, e.Fee,
                    e.ExecTime, next.RealizedPnl, next.Closing, e.CloseReason);
                _fills.Add(fill);
                fresh.Add(fill);
                changed[key] = new BotPosition(e.BotId, e.Symbol, next.Qty, next.AveragePrice, 0m, e.Category);
            }
        }
        return Task.FromResult(new FillIngestResult(fresh, changed.Values.ToList()) { DeadLettered = dead });
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Fill>> QueryAsync(FillQuery query, CancellationToken ct)
    {
        lock (_gate)
        {
            IEnumerable<Fill> q = _fills;
            if (query.From is { } from) q = q.Where(f => f.ExecTime >= from);
            if (query.To is { } to) q = q.Where(f => f.ExecTime < to);
            if (query.Symbol is { } s) q = q.Where(f => f.Symbol == s);
            if (query.BotId is { } b) q = q.Where(f => f.BotId == b);
            q = q.OrderByDescending(f => f.ExecTime).ThenByDescending(f => f.ExecId, StringComparer.Ordinal);
            if (query.Limit is { } l) q = q.Take(l);
            return Task.FromResult<IReadOnlyList<Fill>>(q.ToList());
        }
    }

    /// <inheritdoc />
    public Task<DateTimeOffset?> LastExecutionTimeAsync(CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(_fills.Count == 0 ? (DateTimeOffset?)null : _fills.Max(f => f.ExecTime));
    }
}
