using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Ports;
using AiTradingBot.Scheduling.Tests.Support;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Unit;

/// <summary>`run` with the live-state store (Redis) down at start: the host starts, the scheduler follows when it answers.</summary>
public sealed class LiveStateDownAtStartTests
{
    /// <summary>The in-process store, "down" (like Redis refusing connections) until switched on.</summary>
    private sealed class SwitchableStore(IKeyValueStore inner) : IKeyValueStore
    {
        public volatile bool Down = true;

        private void ThrowIfDown()
        {
            if (Down) throw new LiveStateUnavailableException("Redis at redis:6379 is not reachable: connection refused. Check Redis:ConnectionString.");
        }

        public Task<string?> GetAsync(string key, CancellationToken ct) { ThrowIfDown(); return inner.GetAsync(key, ct); }
        public Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) { ThrowIfDown(); return inner.SetAsync(key, value, ttl, ct); }
        public Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) { ThrowIfDown(); return inner.SetIfNotExistsAsync(key, value, ttl, ct); }
        public Task<string?> GetDeleteAsync(string key, CancellationToken ct) { ThrowIfDown(); return inner.GetDeleteAsync(key, ct); }
        public Task<bool> DeleteAsync(string key, CancellationToken ct) { ThrowIfDown(); return inner.DeleteAsync(key, ct); }
        public Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct) { ThrowIfDown(); return inner.IncrementAsync(key, ttlOnCreate, ct); }
        public Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct) { ThrowIfDown(); return inner.KeysAsync(prefix, ct); }
    }

    [Fact]
    public async Task The_host_starts_with_the_store_down_and_the_scheduler_starts_once_it_answers()
    {
        var store = new SwitchableStore(new InMemoryKeyValueStore(TimeProvider.System));
        var logs = new LogCapture();
        await using var host = await SchedulingTestHost.CreateAsync(store: store, logs: logs);
        Assert.Contains(logs.Lines, l => l.Contains("Report scheduler not started yet: Redis at redis:6379 is not reachable", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("Report scheduler started", StringComparison.Ordinal));

        store.Down = false;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!logs.Lines.Any(l => l.Contains("Report scheduler started", StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Contains(logs.Lines, l => l.Contains("Report scheduler started", StringComparison.Ordinal));
    }
}
