using System.Text.Json;
using AiTradingBot.Bybit.Tests.Server;
using AiTradingBot.Bybit.Tests.Support;
using AiTradingBot.Cli;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>Issue 12 against the local Bybit server: cancel every kind of order, reduce-only on reducing orders, a durable halt.</summary>
public sealed class BybitSafetyTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "atb-bybit-safety-" + Guid.NewGuid().ToString("N")[..8]);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private static List<JsonElement> CancelAllBodies(BybitTestServer server) =>
        server.Requests.Where(r => r.Path == "/v5/order/cancel-all").Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();

    private static string? Field(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    [Fact]
    public async Task Cancelling_everything_sends_one_spot_cancel_all_per_order_filter_and_one_linear_per_settle_coin()
    {
        await using var h = await BybitHarness.StartAsync();
        var normal = h.Server.SeedOrder("spot", "BTCUSDT", "Buy", 0.01m, 55_000m, null, "Order");
        var conditional = h.Server.SeedOrder("spot", "BTCUSDT", "Buy", 0.01m, 50_000m, 50_100m, "StopOrder");
        var tpsl = h.Server.SeedOrder("spot", "BTCUSDT", "Sell", 0.01m, 70_000m, 69_900m, "tpslOrder");
        var linear = h.Server.SeedOrder("linear", "ETHUSDT", "Buy", 0.1m, 2_900m, null, "Order");
        var usdc = h.Server.SeedOrder("linear", "BTCUSDC", "Buy", 0.001m, 55_000m, null, "Order");
        Assert.Equal(5, (await h.Exchange.GetOpenOrdersAsync(null, Ct)).Count);

        var groups = await h.Exchange.CancelAllKindsAsync(Ct);

        Assert.All(groups, g => Assert.Null(g.Error));
        Assert.Equal(["linear USDT", "linear USDC", "spot Order", "spot StopOrder", "spot tpslOrder"], groups.Select(g => g.Group));
        var bodies = CancelAllBodies(h.Server);
        foreach (var filter in new[] { "Order", "StopOrder", "tpslOrder" })
            Assert.Single(bodies, b => Field(b, "category") == "spot" && Field(b, "orderFilter") == filter);
        Assert.Single(bodies, b => Field(b, "category") == "linear" && Field(b, "settleCoin") == "USDT");
        Assert.Single(bodies, b => Field(b, "category") == "linear" && Field(b, "settleCoin") == "USDC");
        Assert.All(new[] { normal, conditional, tpsl, linear, usdc }, o => Assert.Equal("Cancelled", o.Status));
        Assert.Equal([conditional.OrderId], groups.Single(g => g.Group == "spot StopOrder").CancelledOrderIds);
        Assert.Equal([tpsl.OrderId], groups.Single(g => g.Group == "spot tpslOrder").CancelledOrderIds);
        Assert.Empty(await h.Exchange.GetOpenOrdersAsync(null, Ct));
    }

    [Fact]
    public async Task Positions_and_open_orders_are_listed_for_every_settle_coin()
    {
        await using var h = await BybitHarness.StartAsync();
        h.Server.Positions.Add(("BTCUSDT", "Buy", 0.02m, 60_000m, 60_000m, 0m, 1));
        h.Server.Positions.Add(("BTCUSDC", "Sell", 0.01m, 60_000m, 60_000m, 0m, 1));
        h.Server.SeedOrder("linear", "BTCUSDC", "Buy", 0.001m, 55_000m, null, "Order");
        Assert.Equal(["BTCUSDC", "BTCUSDT"], (await h.Exchange.GetPositionsAsync(null, Ct)).Select(p => p.Symbol).Order());
        Assert.Single(await h.Exchange.GetOpenOrdersAsync(null, Ct));
    }

    [Fact]
    public async Task A_refused_group_is_reported_and_does_not_stop_the_others()
    {
        await using var h = await BybitHarness.StartAsync(new() { ["Bybit:SettleCoins"] = "USDT" });
        var tpsl = h.Server.SeedOrder("spot", "BTCUSDT", "Sell", 0.01m, 70_000m, 69_900m, "tpslOrder");
        h.Server.KeyCanTrade = false;
        var groups = await h.Exchange.CancelAllKindsAsync(Ct);
        Assert.Equal(4, groups.Count);
        Assert.All(groups, g => Assert.Contains("10005", g.Error));
        h.Server.KeyCanTrade = true;
        Assert.Equal(tpsl.OrderId, Assert.Single(await h.Exchange.GetOpenOrdersAsync(null, Ct)).OrderId);
    }

    private Dictionary<string, string?> HostConfiguration(BybitTestServer server)
    {
        var c = server.Configuration();
        // Live orders need real systems: an endpoint is configured (this test never touches a container), and the
        // configured systems are made infrastructure, so the killswitch has no container to stop.
        c["Docker:Endpoint"] = "unix:///nonexistent/atb-test-docker.sock";
        foreach (var system in new[] { "alpha", "bravo", "charlie" }) c[$"Systems:{system}:Role"] = "Infrastructure";
        c["Storage:DataDirectory"] = _data;
        c["Llm:Mode"] = "off";
        return c;
    }

    private static async Task<(int Exit, string Out)> AskAsync(Dictionary<string, string?> configuration, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["ask", .. args], stdout, stderr, configuration);
        return (exit, stdout + "\n" + stderr);
    }

    [Fact]
    public async Task Killswitch_from_the_cli_cancels_spot_conditional_and_tpsl_orders_the_halt_survives_losing_the_cache_and_a_reducing_order_carries_reduce_only()
    {
        await using var server = await BybitTestServer.StartAsync();
        server.Positions.Add(("BTCUSDT", "Buy", 0.02m, 60_000m, 60_000m, 0m, 1));
        var conditional = server.SeedOrder("spot", "BTCUSDT", "Buy", 0.01m, 50_000m, 50_100m, "StopOrder");
        var tpsl = server.SeedOrder("spot", "BTCUSDT", "Sell", 0.01m, 70_000m, 69_900m, "tpslOrder");
        var configuration = HostConfiguration(server);

        var (exit, output) = await AskAsync(configuration, "/killswitch CONFIRM");
        // This host has no Docker (the endpoint is a socket that does not exist), so the killswitch cannot prove that no
        // launched bot is running: it fails loudly for that part alone, while every order group is cancelled.
        Assert.True(exit == 1, $"exit {exit}\n{output}");
        Assert.Contains("launched bots: could not list them", output);
        Assert.Equal("Cancelled", conditional.Status);
        Assert.Equal("Cancelled", tpsl.Status);
        Assert.Contains("spot StopOrder: cancelled 1", output);
        Assert.Contains("spot tpslOrder: cancelled 1", output);
        Assert.Contains("No open orders left", output);

        // Losing the live-state cache (a new Redis volume, a deleted file) never resumes trading.
        File.Delete(Path.Combine(_data, "live-state.json"));
        (exit, output) = await AskAsync(configuration, "buy 0.001 btc", "--yes");
        Assert.True(exit == 4, $"exit {exit}\n{output}");
        Assert.Contains("halted", output);
        Assert.DoesNotContain(server.Requests, r => r.Path == "/v5/order/create");

        (exit, output) = await AskAsync(configuration, "sell 0.01 btc", "--yes");
        Assert.True(exit == 0, $"exit {exit}\n{output}");
        var create = Assert.Single(server.Requests, r => r.Path == "/v5/order/create");
        var body = JsonDocument.Parse(create.Body).RootElement;
        Assert.True(body.GetProperty("reduceOnly").GetBoolean());
        Assert.Equal("Sell", body.GetProperty("side").GetString());
    }

    [Fact]
    public async Task The_host_refuses_to_trade_live_beside_demo_systems_and_names_docker_endpoint()
    {
        await using var server = await BybitTestServer.StartAsync();
        var configuration = server.Configuration();
        configuration["Storage:Ephemeral"] = "true";
        configuration["Docker:Endpoint"] = null;

        var (exit, output) = await AskAsync(configuration, "buy 0.001 btc", "--yes");

        Assert.NotEqual(0, exit);
        Assert.Contains("Docker:Endpoint", output);
        Assert.Empty(server.Orders);
    }
}
