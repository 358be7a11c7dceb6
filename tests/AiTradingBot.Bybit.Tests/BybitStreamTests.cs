using AiTradingBot.Bybit.Tests.Server;
using AiTradingBot.Bybit.Tests.Support;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>The private execution listener and the public ticker stream against the local server's WebSockets.</summary>
public sealed class BybitStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task No_fill_is_lost_or_stored_twice_across_a_forced_disconnect_of_1000_scripted_executions()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Stream.Live && h.Server.OpenPrivateSessions == 1, Wait, "the private stream");
        h.Server.DuplicatePushes = true;

        var ids = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            if (i == 700) await BybitHarness.WaitForAsync(() => h.Stream.Connections == 2 && h.Server.OpenPrivateSessions == 1, Wait, "the reconnect");
            if (i == 300 || i == 700) h.Server.DropPrivateConnections(); // the next executions happen while disconnected
            ids.Add(await h.Server.AddExecutionAsync("BTCUSDT", i % 2 == 0 ? "Buy" : "Sell", 0.001m, 60_000m + i, orderLinkId: $"alpha-grid-{i:D4}"));
            if (i % 20 == 0) await Task.Delay(5, Ct);
        }
        await BybitHarness.WaitForAsync(() => h.Fills.Stored.Count >= 1000, Wait, "all 1000 fills");
        await Task.Delay(300, Ct); // anything late (a duplicate) would arrive now

        Assert.Equal(ids.Order(), h.Fills.Stored.Keys.Order());     // zero lost
        Assert.Equal(1000, h.Fills.Stored.Count);                    // zero stored twice
        Assert.True(h.Stream.Connections >= 3, $"reconnected after each drop ({h.Stream.Connections} connections)");
        Assert.True(h.Server.AuthenticatedSessions >= 3, "re-authenticated after each drop");
        Assert.All(h.Fills.Stored.Values, e => Assert.Equal("alpha", e.BotId));
        // The duplicate pushes and the reconciliation overlap never reach the store twice, nor even the sink.
        Assert.Equal(0, h.Fills.Redelivered);
    }

    [Fact]
    public async Task Executions_made_while_the_assistant_was_down_are_reconciled_at_start()
    {
        var server = await BybitTestServer.StartAsync();
        for (var i = 0; i < 250; i++) await server.AddExecutionAsync("ETHUSDT", "Buy", 0.01m, 3_000m, orderLinkId: $"beta-dca-{i}", push: false);
        await server.AddExecutionAsync("BTCUSDT", "Buy", 0.0001m, 60_000m, category: "spot", push: false);
        await server.AddExecutionAsync("BTCUSDT", "Sell", 0.001m, 60_000m, orderLinkId: "", push: false); // placed by hand on the website
        await using var h = await BybitHarness.StartAsync(server: server);

        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Stream.Live, Wait, "the private stream");

        Assert.Equal(252, h.Fills.Stored.Count);
        Assert.Equal(250, h.Fills.Stored.Values.Count(e => e.BotId == "beta"));
        Assert.Equal(2, h.Fills.Stored.Values.Count(e => e.BotId == "external"));
        Assert.Single(h.Fills.Stored.Values, e => e.Category == OrderCategory.Spot);
        var paged = h.Server.Requests.Where(r => r.Path == "/v5/execution/list" && r.Query.Contains("cursor=")).ToList();
        Assert.True(paged.Count >= 2, "read the history page by page");
    }

    [Fact]
    public async Task A_market_order_fill_is_pushed_mapped_and_stored_once()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Stream.Live, Wait, "the private stream");

        var r = await h.Exchange.PlaceOrderAsync(new OrderRequest("alpha-manual-f1", "alpha", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Market, 0.002m), Ct);
        await BybitHarness.WaitForAsync(() => h.Fills.Stored.Count == 1, Wait, "the fill");

        var fill = h.Fills.Stored.Values.Single();
        Assert.Equal(r.OrderId, fill.OrderId);
        Assert.Equal("alpha-manual-f1", fill.ClientOrderId);
        Assert.Equal("alpha", fill.BotId);
        Assert.Equal(OrderSide.Buy, fill.Side);
        Assert.Equal(0.002m, fill.Qty);
        Assert.Equal(60_000m, fill.Price);
        Assert.Equal(0.066m, fill.Fee);
        Assert.Equal("USDT", fill.FeeCurrency);
    }

    [Fact]
    public async Task The_stream_pings_every_interval()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Server.Pings >= 2, Wait, "two pings");
    }

    [Fact]
    public async Task A_sink_failure_is_recovered_by_reconnecting_and_reconciling()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Stream.Live, Wait, "the private stream");
        h.Fills.FailNextIngests = 1;

        var id = await h.Server.AddExecutionAsync("BTCUSDT", "Buy", 0.001m, 60_000m, orderLinkId: "alpha-x-1");
        await BybitHarness.WaitForAsync(() => h.Fills.Stored.ContainsKey(id), Wait, "the fill after the store recovered");
        Assert.True(h.Stream.Connections >= 2);
    }

    [Fact]
    public async Task A_wrong_secret_keeps_the_listener_out_with_a_clear_log()
    {
        await using var h = await BybitHarness.StartAsync();
        h.Server.AcceptedSecret = "another-secret";
        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Logs.Lines.Any(l => l.Text.Contains("cannot authenticate")), Wait, "the error log");
        Assert.Equal(0, h.Stream.Connections);
    }

    [Fact]
    public async Task Streamed_tickers_feed_the_price_cache()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.StartStreamsAsync(Ct);
        var first = await h.Exchange.GetTickerAsync("SOLUSDT", OrderCategory.Linear, Ct); // REST, then subscribed
        Assert.Equal(150m, first.LastPrice);
        await BybitHarness.WaitForAsync(() => h.Server.PublicSubscriptions.Contains("tickers.SOLUSDT"), Wait, "the ticker subscription");

        await h.Server.SetPriceAsync("SOLUSDT", 151.5m);
        var cache = (BybitPriceCache)h.Services.GetService(typeof(BybitPriceCache))!;
        await BybitHarness.WaitForAsync(() => cache.Get("SOLUSDT", OrderCategory.Linear)?.LastPrice == 151.5m, Wait, "the pushed price");
        var restCalls = h.Server.Requests.Count(r => r.Path == "/v5/market/tickers");

        var second = await h.Exchange.GetTickerAsync("SOLUSDT", OrderCategory.Linear, Ct);

        Assert.Equal(151.5m, second.LastPrice);
        Assert.Equal(1.25m, second.Change24hPercent); // kept from the snapshot when the delta lacks it
        Assert.Equal(restCalls, h.Server.Requests.Count(r => r.Path == "/v5/market/tickers"));
    }
}
