using AiTradingBot.Redis;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>Every command the adapter uses, against the real Redis started by scripts/servers/redis.sh.</summary>
public sealed class RedisClientTests : IAsyncLifetime
{
    private readonly string _ns = $"test:{Guid.NewGuid():N}:";
    private RedisConnection _connection = null!;
    private RedisClient _client = null!;

    public ValueTask InitializeAsync()
    {
        var endpoint = Integration.Require("ATB_TEST_REDIS", "Redis 7");
        _connection = new RedisConnection(RedisConnectionOptions.Parse(endpoint));
        _client = new RedisClient(_connection);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            var keys = new List<string>();
            await foreach (var k in _client.ScanAsync(_ns + "*")) keys.Add(k);
            await _client.DeleteAsync(keys);
            await _connection.DisposeAsync();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_returns_what_set_stored_and_null_for_a_missing_key()
    {
        Assert.True(await _client.SetAsync(_ns + "a", "héllo {\"x\":1}", ct: Ct));
        Assert.Equal("héllo {\"x\":1}", await _client.GetAsync(_ns + "a", Ct));
        Assert.Null(await _client.GetAsync(_ns + "missing", Ct));
        Assert.True(await _client.SetAsync(_ns + "empty", "", ct: Ct));
        Assert.Equal("", await _client.GetAsync(_ns + "empty", Ct));
    }

    [Fact]
    public async Task Set_with_EX_and_PX_sets_a_time_to_live_and_the_key_expires()
    {
        await _client.SetAsync(_ns + "ex", "v", TimeSpan.FromSeconds(100), ct: Ct);
        var ttl = await _client.TimeToLiveAsync(_ns + "ex", Ct);
        Assert.InRange(ttl!.Value.TotalSeconds, 90, 100);

        await _client.SetAsync(_ns + "px", "v", TimeSpan.FromMilliseconds(150), ct: Ct);
        Assert.Equal("v", await _client.GetAsync(_ns + "px", Ct));
        await Task.Delay(400, Ct);
        Assert.Null(await _client.GetAsync(_ns + "px", Ct));
        Assert.Null(await _client.TimeToLiveAsync(_ns + "px", Ct));
    }

    [Fact]
    public async Task Set_NX_writes_only_a_new_key_and_XX_only_an_existing_one()
    {
        Assert.False(await _client.SetAsync(_ns + "xx", "v", when: SetCondition.Exists, ct: Ct));
        Assert.True(await _client.SetAsync(_ns + "nx", "first", when: SetCondition.NotExists, ct: Ct));
        Assert.False(await _client.SetAsync(_ns + "nx", "second", when: SetCondition.NotExists, ct: Ct));
        Assert.Equal("first", await _client.GetAsync(_ns + "nx", Ct));
        Assert.True(await _client.SetAsync(_ns + "nx", "third", when: SetCondition.Exists, ct: Ct));
        Assert.Equal("third", await _client.GetAsync(_ns + "nx", Ct));
    }

    [Fact]
    public async Task GetDel_returns_the_value_once_and_deletes_the_key()
    {
        await _client.SetAsync(_ns + "token", "payload", ct: Ct);
        Assert.Equal("payload", await _client.GetDeleteAsync(_ns + "token", Ct));
        Assert.Null(await _client.GetDeleteAsync(_ns + "token", Ct));
        Assert.Null(await _client.GetAsync(_ns + "token", Ct));
    }

    [Fact]
    public async Task Del_counts_the_keys_that_existed()
    {
        await _client.SetAsync(_ns + "d1", "1", ct: Ct);
        await _client.SetAsync(_ns + "d2", "2", ct: Ct);
        Assert.Equal(2, await _client.DeleteAsync([_ns + "d1", _ns + "d2", _ns + "d3"], Ct));
        Assert.False(await _client.DeleteAsync(_ns + "d1", Ct));
    }

    [Fact]
    public async Task Incr_counts_from_zero_and_Expire_and_PExpire_set_ttls()
    {
        Assert.Equal(1, await _client.IncrementAsync(_ns + "n", Ct));
        Assert.Equal(2, await _client.IncrementAsync(_ns + "n", Ct));
        Assert.True(await _client.ExpireAsync(_ns + "n", TimeSpan.FromSeconds(50), Ct));
        Assert.InRange((await _client.TimeToLiveAsync(_ns + "n", Ct))!.Value.TotalSeconds, 40, 50);
        Assert.True(await _client.ExpireAsync(_ns + "n", TimeSpan.FromMilliseconds(1500), Ct));
        Assert.InRange((await _client.TimeToLiveAsync(_ns + "n", Ct))!.Value.TotalMilliseconds, 1, 1500);
        Assert.False(await _client.ExpireAsync(_ns + "nope", TimeSpan.FromSeconds(5), Ct));
    }

    [Fact]
    public async Task An_error_reply_fails_only_its_command()
    {
        await _client.SetAsync(_ns + "s", "not a number", ct: Ct);
        var ex = await Assert.ThrowsAsync<RedisServerException>(() => _client.IncrementAsync(_ns + "s", Ct));
        Assert.Equal("INCR", ex.Command);
        Assert.Equal("ERR", ex.Code);
        Assert.Equal("not a number", await _client.GetAsync(_ns + "s", Ct));
    }

    [Fact]
    public async Task A_null_argument_is_rejected_before_it_reaches_the_shared_connection()
    {
        Assert.Throws<ArgumentNullException>(() => { _ = _client.ExecuteAsync(["SET", _ns + "k", null!], Ct); });
        Assert.True(await _client.SetAsync(_ns + "k", "still fine", ct: Ct));
        Assert.Equal("still fine", await _client.GetAsync(_ns + "k", Ct));
    }

    [Fact]
    public void Subscribing_on_the_command_connection_is_refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => { _ = _client.ExecuteAsync(["subscribe", "x"], Ct); });
        Assert.Contains("use RedisSubscriber", ex.Message);
    }

    [Fact]
    public async Task Scan_with_match_returns_every_matching_key_once_across_pages()
    {
        for (var i = 0; i < 250; i++) await _client.SetAsync($"{_ns}scan:{i}", "v", ct: Ct);
        await _client.SetAsync($"{_ns}other", "v", ct: Ct);
        var keys = new List<string>();
        await foreach (var k in _client.ScanAsync(_ns + "scan:*", pageSize: 37, Ct)) keys.Add(k);
        Assert.Equal(250, keys.Count);
        Assert.Equal(250, keys.Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith(_ns + "scan:", k));
    }

    [Fact]
    public async Task Ping_and_Info_answer()
    {
        Assert.True(await _client.PingAsync(Ct) < TimeSpan.FromSeconds(5));
        var info = await _client.InfoAsync("server", Ct);
        Assert.StartsWith("7.", info["redis_version"]);
    }

    [Fact]
    public async Task Scripts_run_by_sha_and_fall_back_to_eval_when_unknown()
    {
        var script = new RedisScript($"return redis.call('INCRBY', KEYS[1], ARGV[1]) -- {Guid.NewGuid()}");
        // Never loaded: EVALSHA answers NOSCRIPT and the helper falls back to EVAL.
        var raw = await Assert.ThrowsAsync<RedisServerException>(() => _client.EvalShaAsync(script.Sha1, [_ns + "lua"], ["1"], Ct));
        Assert.Equal("NOSCRIPT", raw.Code);
        Assert.Equal(5, (await script.RunAsync(_client, [_ns + "lua"], ["5"], Ct)).AsInt64());
        Assert.Equal(script.Sha1, await _client.ScriptLoadAsync(script.Source, Ct));
        Assert.Equal(7, (await _client.EvalShaAsync(script.Sha1, [_ns + "lua"], ["2"], Ct)).AsInt64());
    }

    [Fact]
    public async Task Publish_reaches_a_subscriber_on_its_own_connection()
    {
        var channel = _ns + "chan";
        await using var subscriber = new RedisSubscriber(_connection.Options);
        await using var subscription = await subscriber.SubscribeAsync(channel, ct: Ct);
        Assert.Equal(1, await _client.PublishAsync(channel, "hello", Ct));
        Assert.Equal(1, await _client.PublishAsync(channel, "world", Ct));
        Assert.Equal(0, await _client.PublishAsync(_ns + "nobody", "x", Ct));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var got = new List<string>();
        await foreach (var m in subscription.ReadAllAsync(timeout.Token))
        {
            Assert.Equal(channel, m.Channel);
            got.Add(m.Message);
            if (got.Count == 2) break;
        }
        Assert.Equal(["hello", "world"], got);
    }

    [Fact]
    public async Task Default_database_selects_a_separate_keyspace()
    {
        var options = _connection.Options with { Database = 5 };
        await using var db5 = new RedisConnection(options);
        var client5 = new RedisClient(db5);
        await client5.SetAsync(_ns + "db", "five", ct: Ct);
        try
        {
            Assert.Equal("five", await client5.GetAsync(_ns + "db", Ct));
            Assert.Null(await _client.GetAsync(_ns + "db", Ct));
        }
        finally
        {
            await client5.DeleteAsync(_ns + "db", Ct);
        }
    }

    [Fact]
    public async Task A_database_the_server_does_not_have_is_a_clear_connection_error()
    {
        await using var bad = new RedisConnection(_connection.Options with { Database = 999 });
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => new RedisClient(bad).GetAsync("x", Ct));
        Assert.Contains("cannot select database 999", ex.Message);
        Assert.Contains("ConnectionStrings:Redis", ex.Message);
    }
}
