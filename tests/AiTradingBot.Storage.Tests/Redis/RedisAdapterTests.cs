using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

/// <summary>Position keys, price cache, notification fan-out and registration against real Redis.</summary>
public sealed class RedisAdapterTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Position_json_uses_the_seed_field_names_and_plain_numbers()
    {
        var json = RedisPositionPublisher.ToJson(new BotPosition("alpha", "BTCUSDT", 0.500m, 30000.00m, -12.5m));
        Assert.Equal("""{"qty":0.5,"avg_price":30000,"unrealized_pnl":-12.5}""", json);
        Assert.Equal("""{"qty":-2,"avg_price":0.00001234,"unrealized_pnl":0}""",
            RedisPositionPublisher.ToJson(new BotPosition("b", "X", -2m, 0.0000123400m, 0.000m)));
    }

    [Fact]
    public async Task Positions_are_written_unprefixed_and_a_zero_quantity_deletes_the_key()
    {
        var bot = $"bot{Guid.NewGuid():N}"[..12];
        await using var connection = new RedisConnection(RedisTestEnv.Open());
        var publisher = new RedisPositionPublisher(connection, Options.Create(new RedisOptions()));
        var raw = connection.Client();

        await publisher.PublishAsync([new BotPosition(bot, "BTCUSDT", 0.5m, 30000m, 1.25m), new BotPosition(bot, "ETHUSDT", -3m, 2000.5m, 0m)], Ct);
        Assert.Equal("""{"qty":0.5,"avg_price":30000,"unrealized_pnl":1.25}""", await raw.GetAsync($"position:{bot}:BTCUSDT", Ct));
        Assert.Equal(-3m, (await publisher.ReadAsync(bot, "ETHUSDT", Ct))!.Qty);

        await publisher.PublishAsync([new BotPosition(bot, "BTCUSDT", 0m, 0m, 0m)], Ct);
        Assert.Null(await raw.GetAsync($"position:{bot}:BTCUSDT", Ct));
        Assert.NotNull(await raw.GetAsync($"position:{bot}:ETHUSDT", Ct));
        await raw.DeleteAsync($"position:{bot}:ETHUSDT", Ct);
    }

    [Fact]
    public async Task A_bot_with_its_own_database_gets_its_positions_there()
    {
        var bot = $"bot{Guid.NewGuid():N}"[..12];
        await using var connection = new RedisConnection(RedisTestEnv.Open());
        var options = new RedisOptions { PositionDatabases = { [bot] = 3 } };
        var publisher = new RedisPositionPublisher(connection, Options.Create(options));

        await publisher.PublishAsync([new BotPosition(bot, "SOLUSDT", 10m, 150m, 5m)], Ct);
        Assert.Equal("""{"qty":10,"avg_price":150,"unrealized_pnl":5}""", await connection.Client(3).GetAsync($"position:{bot}:SOLUSDT", Ct));
        Assert.Null(await connection.Client().GetAsync($"position:{bot}:SOLUSDT", Ct));
        Assert.Equal(10m, (await publisher.ReadAsync(bot, "SOLUSDT", Ct))!.Qty);
        await connection.Client(3).DeleteAsync($"position:{bot}:SOLUSDT", Ct);
    }

    [Fact]
    public async Task Prices_are_cached_with_a_ttl_and_unreadable_values_are_misses()
    {
        var symbol = $"T{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        await using var connection = new RedisConnection(RedisTestEnv.Open());
        var client = connection.Client();
        var cache = new RedisPriceCache(client, Options.Create(new RedisOptions { PriceTtl = TimeSpan.FromSeconds(30) }));
        Assert.Null(await cache.GetAsync(symbol, Ct));
        await cache.SetAsync(symbol, 64123.50m, Ct);
        Assert.Equal("64123.5", await client.GetAsync($"price:{symbol}", Ct));
        Assert.Equal(64123.5m, await cache.GetAsync(symbol, Ct));
        Assert.InRange((await client.TimeToLiveAsync($"price:{symbol}", Ct))!.Value.TotalSeconds, 20, 30);
        await client.SetAsync($"price:{symbol}", "not-a-price", ct: Ct);
        Assert.Null(await cache.GetAsync(symbol, Ct));
        await client.DeleteAsync($"price:{symbol}", Ct);
    }

    [Fact]
    public async Task A_notification_reaches_the_other_instance_once_and_not_its_sender()
    {
        var options = RedisTestEnv.Open();
        var prefix = RedisTestEnv.Namespace();
        // Two host instances: one multiplexer each.
        await using var connA = new RedisConnection(options);
        await using var connB = new RedisConnection(options);
        var busA = new RedisNotificationBus(connA, Options.Create(new RedisOptions { KeyPrefix = prefix, InstanceId = "a" }), NullLogger<RedisNotificationBus>.Instance);
        var busB = new RedisNotificationBus(connB, Options.Create(new RedisOptions { KeyPrefix = prefix, InstanceId = "b" }), NullLogger<RedisNotificationBus>.Instance);
        Assert.Equal(prefix + "notifications", busA.Channel);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(10));
        var receivedByA = new List<Notification>();
        var receivedByB = new List<Notification>();
        var readA = Collect(busA, receivedByA, stop.Token);
        var readB = Collect(busB, receivedByB, stop.Token);
        await RedisTestEnv.WaitUntilAsync(async () => await SubscribersAsync(connA, busA.Channel) == 2, TimeSpan.FromSeconds(20), "both instances subscribed");

        await busA.SendAsync(new Notification(NotificationKind.Fill, "Filled 0.5 BTCUSDT", "Filled <b>0.5</b> BTCUSDT", "42") { Silent = true }, Ct);
        await busB.SendAsync(new Notification(NotificationKind.Killswitch, "Killswitch", "Killswitch"), Ct);
        for (var i = 0; i < 20; i++) await busA.SendAsync(new Notification(NotificationKind.Fill, $"fill {i}", $"fill {i}"), Ct);
        await WaitUntil(() => receivedByA.Count >= 1 && receivedByB.Count >= 21, stop.Token);
        await Task.Delay(200, Ct); // room for a duplicate to show up, if there were one
        await stop.CancelAsync();
        await Task.WhenAll(readA, readB);

        Assert.Equal(21, receivedByB.Count);
        var atB = receivedByB[0];
        Assert.Equal(NotificationKind.Fill, atB.Kind);
        // The library's ordered queue keeps publication order.
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"fill {i}"), receivedByB.Skip(1).Select(n => n.Text));
        Assert.Equal("Filled <b>0.5</b> BTCUSDT", atB.Html);
        Assert.Equal("42", atB.ChatId);
        Assert.True(atB.Silent);
        Assert.Equal(NotificationKind.Killswitch, Assert.Single(receivedByA).Kind);
    }

    internal static async Task<long> SubscribersAsync(RedisConnection connection, string channel)
    {
        var multiplexer = await connection.GetMultiplexerAsync(Ct);
        return await multiplexer.GetServer(multiplexer.GetEndPoints()[0]).SubscriptionSubscriberCountAsync(RedisChannel.Literal(channel));
    }

    internal static async Task Collect(RedisNotificationBus bus, List<Notification> into, CancellationToken ct)
    {
        try
        {
            await foreach (var n in bus.ReceiveRemoteAsync(ct)) lock (into) into.Add(n);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task WaitUntil(Func<bool> condition, CancellationToken ct)
    {
        while (!condition()) await Task.Delay(20, ct);
    }

    [Fact]
    public async Task Registration_replaces_the_in_process_stores_and_reports_health()
    {
        var endpoint = RedisTestEnv.Open().Endpoint;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = endpoint + ",commandTimeout=2000",
            ["Redis:KeyPrefix"] = "di:",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IKeyValueStore>(new Core.InProcess.InMemoryKeyValueStore(TimeProvider.System));
        services.AddAiTradingBotRedis(configuration);
        await using var provider = services.BuildServiceProvider();

        var store = Assert.IsType<RedisKeyValueStore>(provider.GetRequiredService<IKeyValueStore>());
        Assert.Equal("di:", store.KeyPrefix);
        Assert.IsType<RedisPositionPublisher>(provider.GetRequiredService<IPositionPublisher>());
        Assert.Contains(provider.GetServices<INotificationChannel>(), c => c is RedisNotificationBus);
        Assert.NotNull(provider.GetRequiredService<RedisPriceCache>());
        var health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.True(health.Status == HealthStatus.Healthy, health.Entries["redis"].Description);
        Assert.Equal(endpoint, health.Entries["redis"].Data["endpoint"]);
        Assert.Equal("Resp2", health.Entries["redis"].Data["protocol"]);
        Assert.StartsWith("7.", (string)health.Entries["redis"].Data["redis_version"]);
        // One multiplexer for the host: every adapter shares it.
        Assert.Same(provider.GetRequiredService<RedisConnection>(), provider.GetRequiredService<RedisClient>().Connection);
    }

    [Fact]
    public void The_older_key_is_still_read_and_two_different_settings_are_refused()
    {
        var legacy = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Redis"] = "redis:6379" }).Build();
        var options = RedisServiceCollectionExtensions.ConnectionFrom(legacy)!;
        Assert.Equal("redis:6379", options.Endpoint);
        Assert.Equal("ConnectionStrings:Redis", options.Source);

        var both = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = "redis:6379",
            ["Redis:ConnectionString"] = "other:6379",
        }).Build();
        var ex = Assert.Throws<FormatException>(() => new ServiceCollection().AddAiTradingBotRedis(both));
        Assert.Contains("set only Redis:ConnectionString", ex.Message);
    }

    [Fact]
    public void Without_a_connection_string_nothing_is_registered()
    {
        var services = new ServiceCollection();
        services.AddAiTradingBotRedis(new ConfigurationBuilder().Build());
        Assert.Empty(services);
    }

    [Fact]
    public void A_malformed_connection_string_fails_at_registration_with_the_reason()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = "localhost:6379,password=pw,frobnicate=1",
        }).Build();
        var ex = Assert.Throws<FormatException>(() => new ServiceCollection().AddAiTradingBotRedis(configuration));
        Assert.Contains("unknown option 'frobnicate'", ex.Message);
        Assert.DoesNotContain("pw", ex.Message.Replace("password", ""));
    }

    [Fact]
    public async Task An_unreachable_server_makes_the_health_check_unhealthy_with_the_reason()
    {
        var port = RedisTestServer.FreePort();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{port},connectTimeout=1000,commandTimeout=1000",
        }).Build();
        var logs = new RedisTestLogger();
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(logs));
        services.AddAiTradingBotRedis(configuration);
        await using var provider = services.BuildServiceProvider();
        // The start-up probe logs the reason in one line and lets the host start; commands keep failing clearly.
        foreach (var hosted in provider.GetServices<IHostedService>()) await hosted.StartAsync(Ct);
        var expected = $"Redis at 127.0.0.1:{port} is not reachable: connection refused. Check Redis:ConnectionString.";
        var line = Assert.Single(logs.Lines, l => l.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.False(line.HasException);
        Assert.StartsWith(expected, line.Message);
        var health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal(expected, health.Entries["redis"].Description);

        // Confirmation tokens fail with the same message (the assistant shows it and runs nothing).
        var store = provider.GetRequiredService<IKeyValueStore>();
        var ex = await Assert.ThrowsAsync<RedisUnavailableException>(() => store.GetDeleteAsync("gate:pending:X", Ct));
        Assert.Equal(expected, ex.Message);
        Assert.IsAssignableFrom<LiveStateUnavailableException>(ex);

        // Redis comes up later on that port: the same multiplexer reconnects by itself and logs it.
        await using var server = await RedisTestServer.StartOnAsync(port);
        await RedisTestEnv.WaitUntilAsync(async () =>
        {
            await store.SetAsync("late", "1", TimeSpan.FromSeconds(30), Ct);
            return true;
        }, TimeSpan.FromSeconds(30), "the store works once Redis is up");
        // The library raises its connection-restored event on its own thread, possibly after the first command ran.
        await RedisTestEnv.WaitUntilAsync(
            () => Task.FromResult(logs.Lines.Any(l => l.Level == LogLevel.Information && l.Message == $"Connected to Redis at 127.0.0.1:{port}")),
            TimeSpan.FromSeconds(10), "the reconnection logged");
    }

    [Fact]
    public void Invalid_adapter_options_are_rejected()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = "127.0.0.1:6379",
            ["Redis:KeyPrefix"] = "has space",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAiTradingBotRedis(configuration);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisOptions>>().Value);
        Assert.Contains("Redis:KeyPrefix", ex.Message);
    }
}
