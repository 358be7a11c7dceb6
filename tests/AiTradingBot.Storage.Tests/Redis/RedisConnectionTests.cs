using System.Diagnostics;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Trading;
using AiTradingBot.Redis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>The multiplexer against a server that is down, restarted, slow, or requires credentials.</summary>
public sealed class RedisConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_that_is_down_gives_a_clear_error_naming_the_setting_and_never_hangs()
    {
        var port = RedisTestServer.FreePort();
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse($"127.0.0.1:{port},connectTimeout=1000,commandTimeout=1000"));
        var client = connection.Client();
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => client.GetAsync("k", Ct));
        Assert.Equal($"Redis at 127.0.0.1:{port} is not reachable: connection refused. Check Redis:ConnectionString.", ex.Message);
        var again = await Assert.ThrowsAsync<RedisUnavailableException>(() => client.SetAsync("k", "v", ct: Ct));
        Assert.Equal(ex.Message, again.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task An_unknown_host_gives_a_clear_error()
    {
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse("no-such-host.invalid:6379,connectTimeout=2000,commandTimeout=2000"));
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => connection.Client().PingAsync(Ct));
        Assert.StartsWith("Redis at no-such-host.invalid:6379 is not reachable: ", ex.Message);
        Assert.EndsWith("Check Redis:ConnectionString.", ex.Message);
    }

    [Fact]
    public async Task A_command_without_a_reply_in_time_fails_with_a_timeout_and_the_connection_recovers()
    {
        await using var server = await RedisTestServer.StartAsync();
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse($"{server.Endpoint},commandTimeout=500"));
        var client = connection.Client();
        await client.SetAsync("k", "v", ct: Ct);
        // A script that keeps the (single-threaded) server busy for 1.5 s: its reply comes after the timeout.
        const string busy = "local t = redis.call('TIME') local stop = t[1] * 1000000 + t[2] + 1500000 " +
                            "repeat local n = redis.call('TIME') until n[1] * 1000000 + n[2] >= stop return 1";
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => client.EvaluateAsync(busy, [], [], Ct));
        Assert.Contains($"Redis at {server.Endpoint} did not answer EVALSHA within 500 ms; it may or may not have run.", ex.Message);
        Assert.Equal("v", await RedisTestEnv.EventuallyAsync(() => client.GetAsync("k", Ct), TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Redis_restarted_mid_run_fails_commands_clearly_then_everything_works_again()
    {
        await using var server = await RedisTestServer.StartAsync();
        var logs = new RedisTestLogger();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        var options = RedisConnectionOptions.Parse($"{server.Endpoint},connectTimeout=1000,commandTimeout=2000");
        await using var connection = new RedisConnection(options, loggers.CreateLogger<RedisConnection>());
        var store = new RedisKeyValueStore(connection.Client(), "atb:");
        var positions = new RedisPositionPublisher(connection, Options.Create(new RedisOptions()), loggers.CreateLogger<RedisPositionPublisher>());
        var bus = new RedisNotificationBus(connection, Options.Create(new RedisOptions { InstanceId = "a" }), NullLogger<RedisNotificationBus>.Instance);
        await using var otherInstance = new RedisConnection(options);
        var otherBus = new RedisNotificationBus(otherInstance, Options.Create(new RedisOptions { InstanceId = "b" }), NullLogger<RedisNotificationBus>.Instance);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var received = new List<Notification>();
        var reading = RedisAdapterTests.Collect(otherBus, received, stopReading.Token);
        await RedisTestEnv.WaitUntilAsync(async () => await RedisAdapterTests.SubscribersAsync(connection, bus.Channel) == 1, TimeSpan.FromSeconds(20), "subscribed");
        await store.SetAsync("before", "1", null, Ct);

        using var stop = new CancellationTokenSource();
        var wrongValues = 0;
        var unexpected = new List<Exception>();
        var successesAfterRestart = new int[4];
        var restarted = false;
        var load = Enumerable.Range(0, successesAfterRestart.Length).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    await store.SetAsync($"w{w}", $"{w}:{n}", TimeSpan.FromMinutes(1), Ct);
                    if (await store.GetAsync($"w{w}", Ct) != $"{w}:{n}") Interlocked.Increment(ref wrongValues);
                    if (Volatile.Read(ref restarted)) Interlocked.Increment(ref successesAfterRestart[w]);
                }
                catch (RedisUnavailableException)
                {
                    await Task.Delay(20);
                }
                catch (Exception e)
                {
                    lock (unexpected) unexpected.Add(e);
                }
            }
        })).ToArray();
        await Task.Delay(300, Ct);

        server.Kill();
        var down = await Assert.ThrowsAsync<RedisUnavailableException>(() => store.GetDeleteAsync("gate:pending:X", Ct));
        Assert.StartsWith($"Redis at {server.Endpoint} ", down.Message);
        Assert.EndsWith("Check Redis:ConnectionString.", down.Message);
        // A fill while Redis is down: the fills path is not failed, the position waits for Redis.
        await positions.PublishAsync([new BotPosition("alpha", "BTCUSDT", 0.25m, 30000m, 0m)], Ct);
        Assert.Equal(1, positions.UnpublishedCount);

        await server.StartProcessAsync();
        Volatile.Write(ref restarted, true);
        await RedisTestEnv.WaitUntilAsync(() => Task.FromResult(Enumerable.Range(0, successesAfterRestart.Length).All(i => Volatile.Read(ref successesAfterRestart[i]) >= 20)), TimeSpan.FromSeconds(30),
            "every worker gets through again after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Empty(unexpected);
        Assert.Equal(0, wrongValues);

        // The waiting position is written once the connection is back (the server lost everything it had).
        await RedisTestEnv.WaitUntilAsync(async () => await connection.Client().GetAsync("position:alpha:BTCUSDT", Ct) is not null, TimeSpan.FromSeconds(30), "position republished");
        Assert.Equal("""{"qty":0.25,"avg_price":30000,"unrealized_pnl":0}""", await connection.Client().GetAsync("position:alpha:BTCUSDT", Ct));
        Assert.Equal(0, positions.UnpublishedCount);
        Assert.Contains(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.StartsWith($"Lost the connection to Redis at {server.Endpoint}", StringComparison.Ordinal));
        Assert.Single(logs.Lines, l => l.Message.StartsWith("Live positions for strategies are not published", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.HasException);

        // Scripts work again after the restart emptied the server's script cache.
        Assert.Equal(1, await store.IncrementAsync("rate", TimeSpan.FromMinutes(1), Ct));
        // And the other instance's subscription came back by itself.
        await RedisTestEnv.WaitUntilAsync(async () => await RedisAdapterTests.SubscribersAsync(connection, bus.Channel) == 1, TimeSpan.FromSeconds(30), "resubscribed");
        await bus.SendAsync(new Notification(NotificationKind.Fill, "after restart", "after restart"), Ct);
        await RedisTestEnv.WaitUntilAsync(() => Task.FromResult(received.Any(n => n.Text == "after restart")), TimeSpan.FromSeconds(20), "a notification after the restart arrives");
        await stopReading.CancelAsync();
        await reading;
    }

    [Fact]
    public async Task Auth_with_the_right_password_connects()
    {
        await using var connection = new RedisConnection(RedisTestEnv.WithAuth());
        Assert.True(await connection.Client().PingAsync(Ct) > TimeSpan.Zero);
        Assert.DoesNotContain(connection.Options.Password!, connection.Options.ToString());
    }

    [Fact]
    public async Task Auth_with_a_wrong_password_is_refused_without_echoing_it()
    {
        var options = RedisTestEnv.WithAuth() with { Password = "definitely-wrong-pw", ConnectTimeout = TimeSpan.FromSeconds(2), CommandTimeout = TimeSpan.FromSeconds(2) };
        await using var connection = new RedisConnection(options);
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => connection.Client().GetAsync("k", Ct));
        Assert.Equal($"Redis at {options.Endpoint} is not reachable: the user name or password was refused. Check Redis:ConnectionString.", ex.Message);
        Assert.DoesNotContain("definitely-wrong-pw", ex.ToString());
    }

    [Fact]
    public async Task Auth_with_an_acl_user_and_password_connects_and_uses_the_database()
    {
        var admin = RedisTestEnv.WithAuth();
        await using var adminConnection = new RedisConnection(admin);
        var adminDb = await adminConnection.Client().DatabaseAsync(Ct);
        var user = $"atb{Guid.NewGuid():N}"[..12];
        await adminDb.ExecuteAsync("ACL", "SETUSER", user, "on", ">user-pw-1", "~*", "&*", "+@all");
        try
        {
            await using var userConnection = new RedisConnection(admin with { User = user, Password = "user-pw-1", Database = 2 });
            var userClient = userConnection.Client();
            await userClient.SetAsync("acl-key", "in-db-2", TimeSpan.FromSeconds(30), ct: Ct);
            Assert.Equal("in-db-2", await userClient.GetAsync("acl-key", Ct));
            Assert.Null(await adminConnection.Client().GetAsync("acl-key", Ct));
            var whoami = await (await userClient.DatabaseAsync(Ct)).ExecuteAsync("ACL", "WHOAMI");
            Assert.Equal(user, (string?)whoami);
        }
        finally
        {
            await adminDb.ExecuteAsync("ACL", "DELUSER", user);
        }
    }
}
