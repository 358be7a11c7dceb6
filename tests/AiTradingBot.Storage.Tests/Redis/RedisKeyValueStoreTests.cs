using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>The store contract under RESP2 (the default).</summary>
public sealed class RedisKeyValueStoreResp2Tests() : RedisKeyValueStoreTests(RedisProtocol.Resp2);

/// <summary>The same contract under RESP3, so the scripts' replies are checked in both shapes.</summary>
public sealed class RedisKeyValueStoreResp3Tests() : RedisKeyValueStoreTests(RedisProtocol.Resp3);

/// <summary>The IKeyValueStore contract on real Redis, and the gate's single-use guarantee across two instances.</summary>
public abstract class RedisKeyValueStoreTests(RedisProtocol protocol) : IAsyncLifetime
{
    private readonly string _prefix = RedisTestEnv.Namespace();
    private RedisConnection _connection = null!;
    private RedisKeyValueStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _connection = new RedisConnection(Options());
        _store = new RedisKeyValueStore(new RedisClient(_connection), _prefix);
        return ValueTask.CompletedTask;
    }

    private RedisConnectionOptions Options() => RedisTestEnv.Open() with { Protocol = protocol };

    public async ValueTask DisposeAsync()
    {
        if (_connection is null) return;
        await RedisTestEnv.CleanAsync(new RedisClient(_connection), _prefix);
        await _connection.DisposeAsync();
    }

    [Fact]
    public async Task Keys_are_stored_under_the_prefix()
    {
        await _store.SetAsync("halt", "1", null, Ct);
        Assert.Equal("1", await _store.GetAsync("halt", Ct));
        var raw = new RedisClient(_connection);
        Assert.Equal("1", await raw.GetAsync(_prefix + "halt", Ct));
        Assert.Null(await raw.GetAsync("halt", Ct));
    }

    [Fact]
    public async Task A_key_with_a_ttl_expires_and_one_without_stays()
    {
        await _store.SetAsync("short", "v", TimeSpan.FromMilliseconds(200), Ct);
        await _store.SetAsync("durable", "v", null, Ct);
        Assert.Equal("v", await _store.GetAsync("short", Ct));
        await Task.Delay(500, Ct);
        Assert.Null(await _store.GetAsync("short", Ct));
        Assert.Equal("v", await _store.GetAsync("durable", Ct));
        Assert.Null(await new RedisClient(_connection).TimeToLiveAsync(_prefix + "durable", Ct));
    }

    [Fact]
    public async Task Set_if_not_exists_is_a_lease_that_frees_itself_on_expiry()
    {
        Assert.True(await _store.SetIfNotExistsAsync("lease", "instance-a", TimeSpan.FromMilliseconds(300), Ct));
        Assert.False(await _store.SetIfNotExistsAsync("lease", "instance-b", TimeSpan.FromMilliseconds(300), Ct));
        Assert.Equal("instance-a", await _store.GetAsync("lease", Ct));
        await Task.Delay(600, Ct);
        Assert.True(await _store.SetIfNotExistsAsync("lease", "instance-b", null, Ct));
        Assert.Equal("instance-b", await _store.GetAsync("lease", Ct));
    }

    [Fact]
    public async Task A_lease_is_renewed_and_released_only_by_its_holder()
    {
        Assert.True(await _store.SetIfNotExistsAsync("poll-lease", "instance-a", TimeSpan.FromMilliseconds(800), Ct));
        // Another instance can neither extend nor drop a lease it does not hold.
        Assert.False(await _store.RenewIfValueAsync("poll-lease", "instance-b", TimeSpan.FromMinutes(5), Ct));
        Assert.False(await _store.DeleteIfValueAsync("poll-lease", "instance-b", Ct));
        Assert.Equal("instance-a", await _store.GetAsync("poll-lease", Ct));

        Assert.True(await _store.RenewIfValueAsync("poll-lease", "instance-a", TimeSpan.FromMinutes(5), Ct));
        var ttl = await new RedisClient(_connection).TimeToLiveAsync(_prefix + "poll-lease", Ct);
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));

        Assert.True(await _store.DeleteIfValueAsync("poll-lease", "instance-a", Ct));
        Assert.Null(await _store.GetAsync("poll-lease", Ct));
        // A lapsed holder renewing after someone else took over changes nothing.
        Assert.True(await _store.SetIfNotExistsAsync("poll-lease", "instance-b", TimeSpan.FromMinutes(1), Ct));
        Assert.False(await _store.RenewIfValueAsync("poll-lease", "instance-a", TimeSpan.FromMinutes(5), Ct));
        Assert.False(await _store.DeleteIfValueAsync("poll-lease", "instance-a", Ct));
        Assert.Equal("instance-b", await _store.GetAsync("poll-lease", Ct));
        Assert.False(await _store.RenewIfValueAsync("never-held", "instance-a", TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task Only_one_of_many_concurrent_lease_claims_wins()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => _store.SetIfNotExistsAsync("poller", $"i{i}", TimeSpan.FromSeconds(30), Ct)));
        Assert.Single(claims, c => c);
    }

    [Fact]
    public async Task Get_delete_has_exactly_one_winner_among_100_concurrent_callers()
    {
        await _store.SetAsync("token", "plan", TimeSpan.FromMinutes(1), Ct);
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => _store.GetDeleteAsync("token", Ct), Ct)));
        Assert.Single(results, r => r == "plan");
        Assert.Equal(99, results.Count(r => r is null));
        Assert.Null(await _store.GetAsync("token", Ct));
    }

    [Fact]
    public async Task Get_delete_from_two_connections_100_times_has_exactly_one_winner()
    {
        await using var other = new RedisConnection(Options());
        var second = new RedisKeyValueStore(new RedisClient(other), _prefix);
        for (var round = 0; round < 5; round++)
        {
            await _store.SetAsync($"t{round}", "plan", TimeSpan.FromMinutes(1), Ct);
            var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
                Task.Run(() => (i % 2 == 0 ? _store : second).GetDeleteAsync($"t{round}", Ct), Ct)));
            Assert.Single(results, r => r == "plan");
        }
    }

    [Fact]
    public async Task Delete_reports_whether_the_key_existed()
    {
        await _store.SetAsync("d", "v", null, Ct);
        Assert.True(await _store.DeleteAsync("d", Ct));
        Assert.False(await _store.DeleteAsync("d", Ct));
    }

    [Fact]
    public async Task Increment_sets_the_ttl_only_when_it_creates_the_counter()
    {
        Assert.Equal(1, await _store.IncrementAsync("rate:u1", TimeSpan.FromMilliseconds(2000), Ct));
        var raw = new RedisClient(_connection);
        var firstTtl = await raw.TimeToLiveAsync(_prefix + "rate:u1", Ct);
        Assert.NotNull(firstTtl);
        await Task.Delay(250, Ct);
        Assert.Equal(2, await _store.IncrementAsync("rate:u1", TimeSpan.FromMilliseconds(2000), Ct));
        // Not extended by the second increment: the window is fixed from the first hit.
        Assert.True(await raw.TimeToLiveAsync(_prefix + "rate:u1", Ct) < firstTtl);
        await Task.Delay(2000, Ct);
        Assert.Equal(1, await _store.IncrementAsync("rate:u1", TimeSpan.FromSeconds(10), Ct));

        Assert.Equal(1, await _store.IncrementAsync("plain", null, Ct));
        Assert.Equal(2, await _store.IncrementAsync("plain", null, Ct));
        Assert.Null(await raw.TimeToLiveAsync(_prefix + "plain", Ct));
    }

    [Fact]
    public async Task Concurrent_increments_are_not_lost()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _store.IncrementAsync("hits", TimeSpan.FromMinutes(1), Ct)));
        Assert.Equal("200", await _store.GetAsync("hits", Ct));
    }

    [Fact]
    public async Task Keys_lists_a_prefix_literally_without_the_store_prefix_in_order()
    {
        await _store.SetAsync("ctx:b", "1", null, Ct);
        await _store.SetAsync("ctx:a", "1", null, Ct);
        await _store.SetAsync("ctx*:x", "1", null, Ct);
        await _store.SetAsync("other", "1", null, Ct);
        for (var i = 0; i < 30; i++) await _store.SetAsync($"many:{i:D2}", "1", null, Ct);
        Assert.Equal(["ctx:a", "ctx:b"], await _store.KeysAsync("ctx:", Ct));
        // Glob characters in the prefix match themselves only.
        Assert.Equal(["ctx*:x"], await _store.KeysAsync("ctx*", Ct));
        Assert.Equal(30, (await _store.KeysAsync("many:", Ct)).Count);
        Assert.Empty(await _store.KeysAsync("none:", Ct));
    }

    [Fact]
    public async Task One_confirmation_token_tried_100_times_from_two_instances_executes_exactly_once()
    {
        // Two host instances: separate connections, separate gates, one shared Redis.
        await using var otherConnection = new RedisConnection(Options());
        var options = Microsoft.Extensions.Options.Options.Create(new AssistantOptions());
        var gateA = new ConfirmationGate(_store, TimeProvider.System, options);
        var gateB = new ConfirmationGate(new RedisKeyValueStore(new RedisClient(otherConnection), _prefix), TimeProvider.System, options);

        var pending = await gateA.CreateAsync("telegram", "chat-1", "user-1", "alice", "stop alpha", [new SystemStopArgs("alpha")], Ct);
        var executions = 0;
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            var result = await (i % 2 == 0 ? gateA : gateB).ConfirmAsync(pending.Id, "telegram", "chat-1", "user-1", Ct);
            // What the executor would do with a confirmed result: run the steps.
            if (result.Status == GateStatus.Confirmed) Interlocked.Increment(ref executions);
            return result;
        }, Ct)));

        Assert.Equal(1, executions);
        var winner = Assert.Single(results, r => r.Status == GateStatus.Confirmed);
        Assert.Equal("system.stop", Assert.Single(winner.Steps!).Action);
        Assert.All(results.Where(r => r.Status != GateStatus.Confirmed), r => Assert.Contains(r.Status, new[] { GateStatus.AlreadyHandled, GateStatus.NotFound }));
        // And a late press on either instance is told it was already handled.
        Assert.Equal(GateStatus.AlreadyHandled, (await gateB.ConfirmAsync(pending.Id, "telegram", "chat-1", "user-1", Ct)).Status);
    }
}
