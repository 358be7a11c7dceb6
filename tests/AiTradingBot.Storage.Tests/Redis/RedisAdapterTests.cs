using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
        await using var databases = new RedisDatabases(connection);
        var publisher = new RedisPositionPublisher(databases, Options.Create(new RedisOptions()));
        var raw = databases.Main;

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
        await using var databases = new RedisDatabases(connection);
        var options = new RedisOptions { PositionDatabases = { [bot] = 3 } };
        var publisher = new RedisPositionPublisher(databases, Options.Create(options));

        await publisher.PublishAsync([new BotPosition(bot, "SOLUSDT", 10m, 150m, 5m)], Ct);
        Assert.NotNull(await databases.For(3).GetAsync($"position:{bot}:SOLUSDT", Ct));
        Assert.Null(await databases.Main.GetAsync($"position:{bot}:SOLUSDT", Ct));
        Assert.Equal(10m, (await publisher.ReadAsync(bot, "SOLUSDT", Ct))!.Qty);
        await databases.For(3).DeleteAsync($"position:{bot}:SOLUSDT", Ct);
    }

    [Fact]
    public async Task Prices_are_cached_with_a_ttl_and_unreadable_values_are_misses()
    {
        var symbol = $"T{Guid.NewGuid():N}"[..10].ToUpperInvariant();
        await using var connection = new RedisConnection(RedisTestEnv.Open());
        var client = new RedisClient(connection);
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
        await using var connA = new RedisConnection(options);
        await using var connB = new RedisConnection(options);
        await using var subA = new RedisSubscriber(options);
        await using var subB = new RedisSubscriber(options);
        var busA = new RedisNotificationBus(new RedisClient(connA), subA, Options.Create(new RedisOptions { KeyPrefix = prefix, InstanceId = "a" }), NullLogger<RedisNotificationBus>.Instance);
        var busB = new RedisNotificationBus(new RedisClient(connB), subB, Options.Create(new RedisOptions { KeyPrefix = prefix, InstanceId = "b" }), NullLogger<RedisNotificationBus>.Instance);
        Assert.Equal(prefix + "notifications", busA.Channel);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        stop.CancelAfter(TimeSpan.FromSeconds(10));
        var receivedByA = new List<Notification>();
        var receivedByB = new List<Notification>();
        var readA = Collect(busA, receivedByA, stop.Token);
        var readB = Collect(busB, receivedByB, stop.Token);
        var admin = new RedisClient(connA);
        await RedisTestEnv.EventuallyAsync(async () =>
        {
            var numsub = await admin.ExecuteAsync(["PUBSUB", "NUMSUB", busA.Channel], Ct);
            if (numsub.Items[1].AsInt64() != 2) throw new RedisException("subscribers not ready");
            return true;
        }, TimeSpan.FromSeconds(5));

        await busA.SendAsync(new Notification(NotificationKind.Fill, "Filled 0.5 BTCUSDT", "Filled <b>0.5</b> BTCUSDT", "42") { Silent = true }, Ct);
        await busB.SendAsync(new Notification(NotificationKind.Killswitch, "Killswitch", "Killswitch"), Ct);
        await WaitUntil(() => receivedByA.Count >= 1 && receivedByB.Count >= 1, stop.Token);
        await Task.Delay(200, Ct); // room for a duplicate to show up, if there were one
        await stop.CancelAsync();
        await Task.WhenAll(readA, readB);

        var atB = Assert.Single(receivedByB);
        Assert.Equal(NotificationKind.Fill, atB.Kind);
        Assert.Equal("Filled <b>0.5</b> BTCUSDT", atB.Html);
        Assert.Equal("42", atB.ChatId);
        Assert.True(atB.Silent);
        Assert.Equal(NotificationKind.Killswitch, Assert.Single(receivedByA).Kind);
    }

    private static async Task Collect(RedisNotificationBus bus, List<Notification> into, CancellationToken ct)
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
            ["ConnectionStrings:Redis"] = endpoint + ",commandTimeout=2000",
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
        Assert.Equal(HealthStatus.Healthy, health.Status);
        Assert.Equal(endpoint, health.Entries["redis"].Data["endpoint"]);
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
            ["ConnectionStrings:Redis"] = "localhost:6379,password=pw,frobnicate=1",
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
            ["ConnectionStrings:Redis"] = $"127.0.0.1:{port}",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAiTradingBotRedis(configuration);
        await using var provider = services.BuildServiceProvider();
        // The start-up probe logs the reason and lets the host start; commands keep failing clearly.
        foreach (var hosted in provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>()) await hosted.StartAsync(Ct);
        var health = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Unhealthy, health.Status);
        Assert.Equal($"Redis at 127.0.0.1:{port} is not reachable: connection refused. Check ConnectionStrings:Redis.", health.Entries["redis"].Description);
    }

    [Fact]
    public void Invalid_adapter_options_are_rejected()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Redis"] = "127.0.0.1:6379",
            ["Redis:KeyPrefix"] = "has space",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAiTradingBotRedis(configuration);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RedisOptions>>().Value);
        Assert.Contains("Redis:KeyPrefix", ex.Message);
    }
}
