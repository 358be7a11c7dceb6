using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.InProcess;

/// <summary>In-process order journal (upsert on client order id).</summary>
public sealed class InMemoryOrderJournal(TimeProvider time) : IOrderJournal
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, JournaledOrder> _orders = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task RecordAsync(OrderRequest request, OrderResult result, CancellationToken ct)
    {
        lock (_gate)
        {
            var created = _orders.TryGetValue(request.ClientOrderId, out var old) ? old.Time : time.GetUtcNow();
            _orders[request.ClientOrderId] = new JournaledOrder(request, result, created);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<JournaledOrder>> SinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<JournaledOrder>>(_orders.Values.Where(o => o.Time >= since).OrderByDescending(o => o.Time).ToList());
    }
}
