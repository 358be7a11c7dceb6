using System.Text.Json;
using AiTradingBot.Bybit.Tests.Server;
using AiTradingBot.Cli;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>The whole assistant (host CLI, offline parser, validation, risk, gate, execution) against the local Bybit server.</summary>
public sealed class BybitEndToEndTests
{
    [Fact]
    public async Task Ask_buy_0_001_btc_yes_places_one_correctly_signed_well_formed_order()
    {
        await using var server = await BybitTestServer.StartAsync();
        var configuration = server.Configuration();
        configuration["Storage:Ephemeral"] = "true";
        configuration["Docker:Endpoint"] = "unix:///nonexistent/atb-test-docker.sock"; // live orders are never beside demo systems
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["ask", "buy 0.001 btc", "--yes"], stdout, stderr, configuration);

        Assert.True(exit == 0, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("LIVE (bybit testnet)", stdout.ToString());
        var order = Assert.Single(server.Orders);
        Assert.Equal(("linear", "BTCUSDT", "Buy", "Market", 0.001m), (order.Category, order.Symbol, order.Side, order.OrderType, order.Qty));
        Assert.Matches("^[A-Za-z0-9_-]{1,36}$", order.OrderLinkId);
        var create = Assert.Single(server.Requests, r => r.Path == "/v5/order/create");
        Assert.True(create.SignatureValid);
        Assert.Equal(0, create.RetCode);
        var body = JsonDocument.Parse(create.Body).RootElement;
        Assert.Equal(JsonValueKind.String, body.GetProperty("qty").ValueKind);
        Assert.Equal("0.001", body.GetProperty("qty").GetString());
        Assert.Equal(order.OrderLinkId, body.GetProperty("orderLinkId").GetString());
        Assert.All(server.Requests.Where(r => r.Signed), r => Assert.True(r.SignatureValid));
        Assert.DoesNotContain(BybitTestServer.ApiSecret, stdout + stderr.ToString());
    }

    [Fact]
    public async Task Ask_without_yes_sends_nothing_and_shows_the_rounded_order()
    {
        await using var server = await BybitTestServer.StartAsync();
        var configuration = server.Configuration();
        configuration["Storage:Ephemeral"] = "true";
        configuration["Docker:Endpoint"] = "unix:///nonexistent/atb-test-docker.sock"; // live orders are never beside demo systems
        var stdout = new StringWriter();

        var exit = await CliApp.RunAsync(["ask", "buy 0.0015 btc"], stdout, new StringWriter(), configuration);

        Assert.Equal(3, exit);
        Assert.Contains("0.001", stdout.ToString()); // rounded down to BTCUSDT's 0.001 step on the card
        Assert.Empty(server.Orders);
        Assert.DoesNotContain(server.Requests, r => r.Path == "/v5/order/create");
    }
}
