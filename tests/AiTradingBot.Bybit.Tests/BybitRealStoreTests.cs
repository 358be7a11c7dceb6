using AiTradingBot.Bybit.Tests.Support;
using AiTradingBot.Core;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Storage;
using AiTradingBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>
/// Executions from the private stream through the core's fills path into the real store (SQLite file, and
/// PostgreSQL when the test server runs): stored once each across forced disconnects and duplicate pushes.
/// </summary>
public sealed class BybitRealStoreTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fills_reach_the_SQLite_store_exactly_once_across_disconnects()
    {
        var dir = Path.Combine(Path.GetTempPath(), "atb-bybit-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            await RunAsync(new() { ["Storage:DataDirectory"] = dir });
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Fills_reach_the_PostgreSQL_store_exactly_once_across_disconnects()
    {
        var admin = Integration.Require("ATB_TEST_POSTGRES", "PostgreSQL 15");
        var name = "atb_bybit_" + Guid.NewGuid().ToString("N")[..12];
        await Execute(admin, $"CREATE DATABASE {name}");
        try
        {
            await RunAsync(new() { ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString });
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await Execute(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        }
    }

    private static async Task RunAsync(Dictionary<string, string?> storage)
    {
        var notifications = new CapturingChannel();
        await using var h = await BybitHarness.StartAsync(storage, fillsPath: (services, configuration) =>
        {
            services.AddSingleton<INotificationChannel>(notifications);
            services.AddAiTradingBotCore(configuration);
            services.AddAiTradingBotStorage(configuration);
        });
        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Stream.Live && h.Server.OpenPrivateSessions == 1, TimeSpan.FromSeconds(30), "the private stream");
        h.Server.DuplicatePushes = true;

        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            if (i == 100) h.Server.DropPrivateConnections();
            if (i == 200)
            {
                await BybitHarness.WaitForAsync(() => h.Stream.Connections >= 2 && h.Server.OpenPrivateSessions == 1, TimeSpan.FromSeconds(30), "the reconnect");
                h.Server.DropPrivateConnections();
            }
            await h.Server.AddExecutionAsync("BTCUSDT", i % 3 == 0 ? "Sell" : "Buy", 0.001m, 60_000m + i, orderLinkId: $"alpha-grid-{i:D4}");
            if (i % 10 == 0) await Task.Delay(5, Ct);
        }

        var store = h.Services.GetRequiredService<IFillStore>();
        Assert.IsNotType<InMemoryFills>(store);
        var stored = 0;
        await BybitHarness.WaitForAsync(() =>
        {
            stored = store.QueryAsync(new FillQuery(Limit: 10_000), Ct).GetAwaiter().GetResult().Count;
            return stored >= count;
        }, TimeSpan.FromSeconds(60), "all fills in the store");
        await Task.Delay(300, Ct);

        var fills = await store.QueryAsync(new FillQuery(Limit: 10_000), Ct);
        Assert.Equal(count, fills.Count);
        Assert.Equal(count, fills.Select(f => f.ExecId).Distinct().Count());
        Assert.All(fills, f => Assert.Equal("alpha", f.BotId));
        Assert.Contains(notifications.Sent, n => n.Kind == NotificationKind.Fill && n.Text.Contains("BTCUSDT"));
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed class CapturingChannel : INotificationChannel
    {
        public System.Collections.Concurrent.ConcurrentQueue<Notification> Sent { get; } = new();
        public string Name => "test";
        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            Sent.Enqueue(notification);
            return Task.CompletedTask;
        }
    }
}
