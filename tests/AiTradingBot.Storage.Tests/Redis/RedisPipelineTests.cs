using System.Diagnostics;
using AiTradingBot.Redis;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>The multiplexed connection under concurrency, cancellation, timeouts, authentication and server failure.</summary>
public sealed class RedisPipelineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Many_concurrent_callers_on_one_connection_each_get_their_own_reply()
    {
        var ns = RedisTestEnv.Namespace();
        // This test is about matching, not latency: a loaded machine must not turn it into a timeout.
        await using var connection = new RedisConnection(RedisTestEnv.Open() with { CommandTimeout = TimeSpan.FromSeconds(30) });
        var client = new RedisClient(connection);
        try
        {
            const int workers = 64, rounds = 40, batch = 8;
            var mismatches = 0;
            await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
            {
                for (var r = 0; r < rounds; r++)
                {
                    // A batch of writes and reads issued without waiting in between: they share the pipeline with every other worker.
                    var keys = Enumerable.Range(0, batch).Select(i => $"{ns}{w}:{r}:{i}").ToArray();
                    var sets = keys.Select(k => client.SetAsync(k, "value-of-" + k, ct: Ct)).ToArray();
                    var incr = client.IncrementAsync(ns + "counter", Ct);
                    var gets = keys.Select(k => client.GetAsync(k, Ct)).ToArray();
                    await Task.WhenAll(sets);
                    await incr;
                    var values = await Task.WhenAll(gets);
                    for (var i = 0; i < batch; i++)
                        if (values[i] != "value-of-" + keys[i])
                        {
                            Interlocked.Increment(ref mismatches);
                            TestContext.Current.SendDiagnosticMessage($"{keys[i]} read '{values[i]}'");
                        }
                }
            }, Ct)));
            Assert.Equal(0, mismatches);
            Assert.Equal((workers * rounds).ToString(), await client.GetAsync(ns + "counter", Ct));
            Assert.Equal(0, connection.InFlight);
        }
        finally
        {
            await RedisTestEnv.CleanAsync(client, ns);
        }
    }

    [Fact]
    public async Task Commands_issued_before_the_connection_is_up_run_in_issue_order()
    {
        var ns = RedisTestEnv.Namespace();
        for (var round = 0; round < 5; round++)
        {
            // A fresh connection each round: every command below waits for the same connection attempt.
            await using var connection = new RedisConnection(RedisTestEnv.Open());
            var client = new RedisClient(connection);
            var writes = new List<Task>();
            var reads = new List<Task<string?>>();
            for (var i = 0; i < 200; i++)
            {
                writes.Add(client.SetAsync($"{ns}{i}", $"r{round}-{i}", TimeSpan.FromMinutes(1), ct: Ct));
                reads.Add(client.GetAsync($"{ns}{i}", Ct));
            }
            await Task.WhenAll(writes);
            var values = await Task.WhenAll(reads);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => $"r{round}-{i}"), values);
        }
        await using var cleanup = new RedisConnection(RedisTestEnv.Open());
        await RedisTestEnv.CleanAsync(new RedisClient(cleanup), ns);
    }

    [Fact]
    public async Task A_cancelled_caller_returns_at_once_and_the_replies_behind_it_stay_matched()
    {
        var ns = RedisTestEnv.Namespace();
        await using var connection = new RedisConnection(RedisTestEnv.Open());
        var client = new RedisClient(connection);
        try
        {
            await client.SetAsync(ns + "after", "after-value", ct: Ct);
            using var cts = new CancellationTokenSource();
            // BLPOP holds the connection for three seconds, so its reply is still owed when the caller gives up.
            var blocked = client.ExecuteAsync(["BLPOP", ns + "empty-list", "3"], cts.Token);
            var behind = client.GetAsync(ns + "after", Ct);
            var watch = Stopwatch.StartNew();
            cts.CancelAfter(100);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
            Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(2500), $"the cancelled caller waited for the reply ({watch.Elapsed})");
            // The BLPOP reply (a null) arrives later and is discarded, not handed to the GET behind it.
            Assert.Equal("after-value", await behind);
            Assert.Equal("after-value", await client.GetAsync(ns + "after", Ct));
        }
        finally
        {
            await RedisTestEnv.CleanAsync(client, ns);
        }
    }

    [Fact]
    public async Task Random_cancellations_under_load_never_shift_replies()
    {
        var ns = RedisTestEnv.Namespace();
        await using var connection = new RedisConnection(RedisTestEnv.Open());
        var client = new RedisClient(connection);
        try
        {
            for (var i = 0; i < 200; i++) await client.SetAsync($"{ns}{i}", $"v{i}", ct: Ct);
            var random = new Random(7);
            var calls = new List<(int Index, Task<string?> Task, CancellationTokenSource Cts)>();
            for (var n = 0; n < 3000; n++)
            {
                var i = random.Next(200);
                var cts = new CancellationTokenSource();
                if (n % 3 == 0) cts.CancelAfter(TimeSpan.FromTicks(random.Next(0, 20_000)));
                calls.Add((i, client.GetAsync($"{ns}{i}", cts.Token), cts));
            }
            var completed = 0;
            foreach (var (index, task, cts) in calls)
            {
                try
                {
                    Assert.Equal($"v{index}", await task);
                    completed++;
                }
                catch (OperationCanceledException)
                {
                }
                cts.Dispose();
            }
            Assert.True(completed >= 2000, $"only {completed} completed");
            Assert.Equal("v5", await client.GetAsync($"{ns}5", Ct));
        }
        finally
        {
            await RedisTestEnv.CleanAsync(client, ns);
        }
    }

    [Fact]
    public async Task A_command_without_a_reply_in_time_fails_with_a_timeout_and_the_connection_recovers()
    {
        var ns = RedisTestEnv.Namespace();
        await using var connection = new RedisConnection(RedisTestEnv.Open() with { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        var client = new RedisClient(connection);
        await client.SetAsync(ns + "k", "v", TimeSpan.FromMinutes(1), ct: Ct);
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisTimeoutException>(() => client.ExecuteAsync(["BLPOP", ns + "empty", "5"], Ct));
        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(4500), $"the caller waited for the reply ({watch.Elapsed})");
        Assert.Contains("did not answer BLPOP within 300 ms", ex.Message);
        Assert.Equal("v", await RedisTestEnv.EventuallyAsync(() => client.GetAsync(ns + "k", Ct), TimeSpan.FromSeconds(5)));
        await client.DeleteAsync(ns + "k", Ct);
    }

    [Fact]
    public async Task A_server_that_is_down_gives_a_clear_error_naming_the_setting()
    {
        var port = RedisTestServer.FreePort();
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse($"127.0.0.1:{port}"));
        var client = new RedisClient(connection);
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("k", Ct));
        Assert.Equal($"Redis at 127.0.0.1:{port} is not reachable: connection refused. Check ConnectionStrings:Redis.", ex.Message);
        // Later commands keep failing clearly (after the backoff), never hang.
        var watch = Stopwatch.StartNew();
        var again = await Assert.ThrowsAsync<RedisConnectionException>(() => client.SetAsync("k", "v", ct: Ct));
        Assert.Contains("not reachable", again.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.False(connection.IsConnected);
    }

    [Fact]
    public async Task A_peer_that_accepts_but_never_answers_fails_within_the_connect_timeout()
    {
        // Not Redis: a loopback listener that completes the TCP handshake and then stays silent.
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start();
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse($"127.0.0.1:{port},connectTimeout=500,commandTimeout=5000"));
        var watch = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => new RedisClient(connection).GetAsync("k", Ct));
        Assert.Equal($"Redis at 127.0.0.1:{port} is not reachable: no answer within 500 ms. Check ConnectionStrings:Redis.", ex.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task An_unknown_host_gives_a_clear_error()
    {
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse("no-such-host.invalid:6379,connectTimeout=3000"));
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => new RedisClient(connection).PingAsync(Ct));
        Assert.StartsWith("Redis at no-such-host.invalid:6379 is not reachable:", ex.Message);
        Assert.EndsWith("Check ConnectionStrings:Redis.", ex.Message);
    }

    [Fact]
    public async Task Redis_restarted_mid_pipeline_fails_in_flight_commands_clearly_and_later_commands_succeed()
    {
        await using var server = await RedisTestServer.StartAsync();
        await using var connection = new RedisConnection(RedisConnectionOptions.Parse($"{server.Endpoint},connectTimeout=1000,commandTimeout=3000"));
        var client = new RedisClient(connection);
        await client.SetAsync("before", "1", ct: Ct);

        using var stop = new CancellationTokenSource();
        var wrongValues = 0;
        var unexpected = new List<Exception>();
        var successesAfterRestart = new int[6];
        var restarted = false;
        var load = Enumerable.Range(0, successesAfterRestart.Length).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    var set = client.SetAsync($"w{w}", $"{w}:{n}", ct: Ct);
                    var get = client.GetAsync($"w{w}", Ct);
                    await set;
                    if (await get != $"{w}:{n}") Interlocked.Increment(ref wrongValues);
                    if (Volatile.Read(ref restarted)) Interlocked.Increment(ref successesAfterRestart[w]);
                }
                catch (Exception e) when (e is RedisConnectionException or RedisTimeoutException)
                {
                    await Task.Delay(10);
                }
                catch (Exception e)
                {
                    lock (unexpected) unexpected.Add(e);
                }
            }
        })).ToArray();

        // A command that is certainly in flight when the server dies: BLPOP blocks server-side.
        var inFlight = client.ExecuteAsync(["BLPOP", "never-filled", "10"], Ct);
        await Task.Delay(300, Ct);
        server.Kill();

        var lost = await Assert.ThrowsAsync<RedisConnectionException>(() => inFlight);
        Assert.Contains($"The connection to Redis at {server.Endpoint} was lost", lost.Message);
        Assert.Contains("while BLPOP was in flight; it may or may not have run", lost.Message);

        var down = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("before", Ct));
        Assert.Contains($"Redis at {server.Endpoint} is not reachable", down.Message);

        await server.StartProcessAsync();
        Volatile.Write(ref restarted, true);
        Assert.True(await RedisTestEnv.EventuallyAsync(() => client.SetAsync("after", "2", ct: Ct), TimeSpan.FromSeconds(10)));
        Assert.Equal("2", await client.GetAsync("after", Ct));
        Assert.True(connection.IsConnected);

        // Every worker gets through again after the restart, and nobody ever saw another command's reply.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Enumerable.Range(0, successesAfterRestart.Length).Any(i => Volatile.Read(ref successesAfterRestart[i]) < 20) && DateTime.UtcNow < deadline) await Task.Delay(50, Ct);
        await stop.CancelAsync();
        await Task.WhenAll(load);
        Assert.Empty(unexpected);
        Assert.Equal(0, wrongValues);
        Assert.All(successesAfterRestart, s => Assert.True(s >= 20, $"a worker made only {s} round trips after the restart"));
    }

    [Fact]
    public async Task A_subscriber_resubscribes_after_the_server_restarts()
    {
        await using var server = await RedisTestServer.StartAsync();
        var options = RedisConnectionOptions.Parse($"{server.Endpoint},connectTimeout=1000,commandTimeout=2000");
        await using var connection = new RedisConnection(options);
        var client = new RedisClient(connection);
        await using var subscriber = new RedisSubscriber(options);
        await using var subscription = await subscriber.SubscribeAsync("events", ct: Ct);
        Assert.Equal(1, await client.PublishAsync("events", "one", Ct));

        server.Kill();
        await server.StartProcessAsync();
        // Once the subscriber is back, PUBLISH counts it as a receiver again.
        await RedisTestEnv.EventuallyAsync(async () =>
        {
            if (await client.PublishAsync("events", "probe", Ct) != 1) throw new RedisException("not resubscribed yet");
            return true;
        }, TimeSpan.FromSeconds(10));
        await client.PublishAsync("events", "two", Ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var received = new List<string>();
        await foreach (var m in subscription.ReadAllAsync(timeout.Token))
        {
            if (m.Message == "probe") continue;
            received.Add(m.Message);
            if (m.Message == "two") break;
        }
        Assert.Equal(["one", "two"], received);
    }

    [Fact]
    public async Task Auth_with_the_right_password_connects()
    {
        await using var connection = new RedisConnection(RedisTestEnv.WithAuth());
        Assert.True(await new RedisClient(connection).PingAsync(Ct) > TimeSpan.Zero);
        Assert.DoesNotContain(connection.Options.Password!, connection.Options.ToString());
    }

    [Fact]
    public async Task Auth_with_a_wrong_password_is_refused_without_echoing_it()
    {
        var options = RedisTestEnv.WithAuth() with { Password = "definitely-wrong-pw" };
        await using var connection = new RedisConnection(options);
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => new RedisClient(connection).GetAsync("k", Ct));
        Assert.Contains("refused the credentials (WRONGPASS", ex.Message);
        Assert.Contains("ConnectionStrings:Redis", ex.Message);
        Assert.DoesNotContain("definitely-wrong-pw", ex.ToString());
    }

    [Fact]
    public async Task A_missing_password_is_reported_as_such()
    {
        await using var connection = new RedisConnection(RedisTestEnv.WithAuth() with { Password = null });
        var ex = await Assert.ThrowsAsync<RedisConnectionException>(() => new RedisClient(connection).GetAsync("k", Ct));
        Assert.Contains("requires a password", ex.Message);
    }

    [Fact]
    public async Task Auth_with_an_acl_user_and_password_connects_and_selects_the_database()
    {
        var admin = RedisTestEnv.WithAuth();
        await using var adminConnection = new RedisConnection(admin);
        var adminClient = new RedisClient(adminConnection);
        var user = $"atb{Guid.NewGuid():N}"[..12];
        await adminClient.ExecuteAsync(["ACL", "SETUSER", user, "on", ">user-pw-1", "~*", "&*", "+@all"], Ct);
        try
        {
            await using var userConnection = new RedisConnection(admin with { User = user, Password = "user-pw-1", Database = 2 });
            var userClient = new RedisClient(userConnection);
            await userClient.SetAsync("acl-key", "in-db-2", TimeSpan.FromSeconds(30), ct: Ct);
            Assert.Equal("in-db-2", await userClient.GetAsync("acl-key", Ct));
            Assert.Null(await adminClient.GetAsync("acl-key", Ct));
            var whoami = await userClient.ExecuteAsync(["ACL", "WHOAMI"], Ct);
            Assert.Equal(user, whoami.AsString());
        }
        finally
        {
            await adminClient.ExecuteAsync(["ACL", "DELUSER", user], Ct);
        }
    }
}
