namespace AiTradingBot.Bybit;

/// <summary>A bounded set of recently seen ids (oldest forgotten first), to skip cheap re-deliveries.</summary>
internal sealed class RecentIds(int capacity)
{
    private readonly HashSet<string> _set = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly Lock _lock = new();

    public bool Contains(string id)
    {
        lock (_lock) return _set.Contains(id);
    }

    public void Add(string id)
    {
        lock (_lock)
        {
            if (!_set.Add(id)) return;
            _order.Enqueue(id);
            if (_order.Count > capacity) _set.Remove(_order.Dequeue());
        }
    }
}
