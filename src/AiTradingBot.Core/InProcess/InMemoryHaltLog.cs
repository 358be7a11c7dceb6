using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.InProcess;

/// <summary>The halt log of ephemeral runs (<c>Storage:Ephemeral</c>): lives as long as the process.</summary>
public sealed class InMemoryHaltLog : IHaltLog
{
    private readonly List<HaltEvent> _events = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task AppendAsync(HaltEvent halt, CancellationToken ct)
    {
        lock (_lock) _events.Add(halt);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<HaltEvent?> LatestAsync(CancellationToken ct)
    {
        lock (_lock) return Task.FromResult(_events.Count == 0 ? null : _events[^1]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<HaltEvent>> RecentAsync(int limit, CancellationToken ct)
    {
        lock (_lock) return Task.FromResult<IReadOnlyList<HaltEvent>>(Enumerable.Reverse(_events).Take(limit).ToList());
    }
}
