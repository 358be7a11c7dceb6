using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Core.Tests.Assistant;

/// <summary>When the shared live-state store (Redis) is down, confirmations fail closed with the store's message.</summary>
public sealed class LiveStateDownTests
{
    private const string DownMessage = "Redis at redis:6379 is not reachable: connection refused. Check Redis:ConnectionString.";

    /// <summary>The in-process store that can be switched "down" like a Redis outage.</summary>
    private sealed class SwitchableStore(IKeyValueStore inner) : IKeyValueStore
    {
        public volatile bool Down;

        private void ThrowIfDown()
        {
            if (Down) throw new LiveStateUnavailableException(DownMessage);
        }

        public Task<string?> GetAsync(string key, CancellationToken ct) { ThrowIfDown(); return inner.GetAsync(key, ct); }
        public Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) { ThrowIfDown(); return inner.SetAsync(key, value, ttl, ct); }
        public Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) { ThrowIfDown(); return inner.SetIfNotExistsAsync(key, value, ttl, ct); }
        public Task<string?> GetDeleteAsync(string key, CancellationToken ct) { ThrowIfDown(); return inner.GetDeleteAsync(key, ct); }
        public Task<bool> DeleteAsync(string key, CancellationToken ct) { ThrowIfDown(); return inner.DeleteAsync(key, ct); }
        public Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct) { ThrowIfDown(); return inner.IncrementAsync(key, ttlOnCreate, ct); }
        public Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct) { ThrowIfDown(); return inner.KeysAsync(prefix, ct); }
    }

    private static (CoreTestHost Host, SwitchableStore Store) Start()
    {
        SwitchableStore? store = null;
        var host = new CoreTestHost(configure: services => services.AddSingleton<IKeyValueStore>(sp =>
            store = new SwitchableStore(new InMemoryKeyValueStore(sp.GetRequiredService<TimeProvider>()))));
        _ = host.Get<IKeyValueStore>();
        return (host, store!);
    }

    [Fact]
    public async Task A_confirmation_while_the_store_is_down_does_nothing_and_says_why()
    {
        var (host, store) = Start();
        await using var _ = host;
        var card = await host.SayAsync("stop alpha");
        Assert.Equal(ReplyKind.AwaitingConfirmation, card.Kind);

        store.Down = true;
        var reply = await host.ConfirmAsync(card.Card!.Id);
        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.Equal($"Confirmations are unavailable right now, so nothing was done. {DownMessage}", Assert.Single(reply.Messages));
        Assert.True((await host.Runtime.InspectAsync("shortseller_trading", CancellationToken.None)).Running);

        // Back up: the same card still confirms once.
        store.Down = false;
        Assert.Equal(ReplyKind.Done, (await host.ConfirmAsync(card.Card.Id)).Kind);
        Assert.False((await host.Runtime.InspectAsync("shortseller_trading", CancellationToken.None)).Running);
    }

    [Fact]
    public async Task A_gated_command_while_the_store_is_down_gets_no_card_and_a_clear_error()
    {
        var (host, store) = Start();
        await using var _ = host;
        store.Down = true;
        var reply = await host.SayAsync("stop alpha");
        Assert.Equal(ReplyKind.Error, reply.Kind);
        Assert.Null(reply.Card);
        Assert.Contains(DownMessage, Assert.Single(reply.Messages));
        Assert.Equal(ReplyKind.Error, (await host.CancelAsync("anything")).Kind);
    }

    [Theory]
    [InlineData("status alpha")]
    [InlineData("/sitrep")]
    public async Task Read_only_commands_still_work_while_the_store_is_down(string command)
    {
        var (host, store) = Start();
        await using var _ = host;
        store.Down = true;
        var reply = await host.SayAsync(command);
        Assert.Equal(ReplyKind.Done, reply.Kind);
    }
}
