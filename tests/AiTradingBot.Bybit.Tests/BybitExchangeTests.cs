using System.Text.Json;
using AiTradingBot.Bybit.Tests.Server;
using AiTradingBot.Bybit.Tests.Support;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>The live exchange against the local Bybit-compatible server: signed, well-formed requests and mapped answers.</summary>
public sealed class BybitExchangeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OrderRequest Buy(string id, decimal qty = 0.001m, OrderType type = OrderType.Market, decimal? price = null, int? leverage = null,
        OrderTrigger? trigger = null, string symbol = "BTCUSDT", OrderCategory category = OrderCategory.Linear) =>
        new(id, "alpha", symbol, category, OrderSide.Buy, type, qty, price, trigger, Leverage: leverage);

    [Fact]
    public async Task A_market_order_is_sent_once_correctly_signed_and_well_formed()
    {
        await using var h = await BybitHarness.StartAsync();
        var result = await h.Exchange.PlaceOrderAsync(Buy("alpha-manual-m1"), Ct);

        Assert.True(result.Accepted);
        Assert.False(result.AlreadyExisted);
        var order = Assert.Single(h.Server.Orders);
        Assert.Equal(order.OrderId, result.OrderId);
        Assert.Equal("alpha-manual-m1", order.OrderLinkId);
        var create = Assert.Single(h.Server.Requests, r => r.Path == "/v5/order/create");
        Assert.True(create.SignatureValid);
        Assert.Equal(0, create.RetCode);
        Assert.Equal("2", create.Headers["X-BAPI-SIGN-TYPE"]);
        Assert.Equal("5000", create.Headers["X-BAPI-RECV-WINDOW"]);
        Assert.Equal(BybitTestServer.ApiKey, create.Headers["X-BAPI-API-KEY"]);
        Assert.Equal("application/json", create.Headers["Content-Type"]);
        Assert.Equal("{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Market\",\"qty\":\"0.001\",\"orderLinkId\":\"alpha-manual-m1\"}", create.Body);
    }

    [Fact]
    public void Mode_says_live_and_which_environment()
    {
        Assert.Equal("LIVE (bybit testnet)", new ExchangeMode(true, "bybit", "testnet").Label);
    }

    [Theory]
    [InlineData("testnet", "LIVE (bybit testnet)")]
    [InlineData("demo", "LIVE (bybit demo)")]
    [InlineData("mainnet", "LIVE (bybit mainnet)")]
    public async Task Every_reply_can_say_live_and_the_environment(string environment, string label)
    {
        await using var h = await BybitHarness.StartAsync(new() { ["Bybit:Environment"] = environment });
        Assert.Equal(label, h.Exchange.Mode.Label);
        Assert.True(h.Exchange.Mode.Live);
    }

    [Fact]
    public async Task Leverage_is_set_before_the_order_and_not_modified_counts_as_success()
    {
        await using var h = await BybitHarness.StartAsync();
        var first = await h.Exchange.PlaceOrderAsync(Buy("alpha-lev-1", leverage: 10), Ct);
        var second = await h.Exchange.PlaceOrderAsync(Buy("alpha-lev-2", leverage: 10), Ct);

        Assert.True(first.Accepted);
        Assert.True(second.Accepted);
        Assert.Equal(10m, h.Server.LeverageOf("BTCUSDT"));
        var paths = h.Server.Requests.Where(r => r.Path is "/v5/position/set-leverage" or "/v5/order/create").Select(r => (r.Path, r.RetCode)).ToList();
        Assert.Equal([("/v5/position/set-leverage", 0), ("/v5/order/create", 0), ("/v5/position/set-leverage", 110043), ("/v5/order/create", 0)], paths);
    }

    [Fact]
    public async Task Leverage_the_venue_refuses_stops_the_order()
    {
        await using var h = await BybitHarness.StartAsync();
        // Max leverage on SOLUSDT in the test server is 50.
        var result = await h.Exchange.PlaceOrderAsync(Buy("alpha-lev-x", qty: 1m, symbol: "SOLUSDT", leverage: 75), Ct);
        Assert.False(result.Accepted);
        Assert.Contains("75x", result.RejectReason);
        Assert.Empty(h.Server.Orders);
    }

    [Fact]
    public async Task Limit_and_conditional_orders_rest_on_the_book_and_are_listed()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.Exchange.PlaceOrderAsync(Buy("alpha-limit-1", type: OrderType.Limit, price: 55_000m), Ct);
        await h.Exchange.PlaceOrderAsync(Buy("alpha-trig-1", trigger: new OrderTrigger(65_000m, TriggerDirection.Above)), Ct);

        var open = await h.Exchange.GetOpenOrdersAsync(null, Ct);
        Assert.Equal(2, open.Count);
        var limit = Assert.Single(open, o => o.ClientOrderId == "alpha-limit-1");
        Assert.Equal(55_000m, limit.Price);
        Assert.Equal(OrderStatus.New, limit.Status);
        var conditional = Assert.Single(open, o => o.ClientOrderId == "alpha-trig-1");
        Assert.Equal(new OrderTrigger(65_000m, TriggerDirection.Above), conditional.Trigger);
        Assert.Equal(OrderStatus.Untriggered, conditional.Status);
    }

    [Fact]
    public async Task Cancel_one_by_id_and_all_on_a_symbol()
    {
        await using var h = await BybitHarness.StartAsync();
        var a = await h.Exchange.PlaceOrderAsync(Buy("alpha-c-1", type: OrderType.Limit, price: 55_000m), Ct);
        await h.Exchange.PlaceOrderAsync(Buy("alpha-c-2", type: OrderType.Limit, price: 54_000m), Ct);
        await h.Exchange.PlaceOrderAsync(Buy("alpha-c-3", qty: 0.01m, type: OrderType.Limit, price: 2_500m, symbol: "ETHUSDT"), Ct);

        var one = await h.Exchange.CancelOrdersAsync(null, a.OrderId, Ct);
        Assert.Equal([a.OrderId!], one.CancelledOrderIds);
        var btc = await h.Exchange.CancelOrdersAsync("BTCUSDT", null, Ct);
        Assert.Single(btc.CancelledOrderIds);
        var rest = await h.Exchange.CancelOrdersAsync(null, null, Ct);
        Assert.Single(rest.CancelledOrderIds);
        Assert.Empty(await h.Exchange.GetOpenOrdersAsync(null, Ct));
        Assert.All(h.Server.Requests.Where(r => r.Signed), r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task Cancelling_an_unknown_order_says_so()
    {
        await using var h = await BybitHarness.StartAsync();
        var e = await Assert.ThrowsAsync<ExchangeException>(() => h.Exchange.CancelOrdersAsync(null, "nope", Ct));
        Assert.Contains("no open order nope", e.Message);
    }

    [Fact]
    public async Task Instrument_rules_are_read_for_linear_and_spot()
    {
        await using var h = await BybitHarness.StartAsync();
        Assert.Equal(new InstrumentRules("BTCUSDT", OrderCategory.Linear, 0.001m, 0.001m, 5m, 0.1m, 100),
            await h.Exchange.GetInstrumentAsync("BTCUSDT", OrderCategory.Linear, Ct));
        Assert.Equal(new InstrumentRules("BTCUSDT", OrderCategory.Spot, 0.000001m, 0.000048m, 1m, 0.01m, 1),
            await h.Exchange.GetInstrumentAsync("BTCUSDT", OrderCategory.Spot, Ct));
        Assert.Null(await h.Exchange.GetInstrumentAsync("NOPEUSDT", OrderCategory.Linear, Ct));
        // Cached: asking again does not call Bybit.
        await h.Exchange.GetInstrumentAsync("BTCUSDT", OrderCategory.Linear, Ct);
        Assert.Equal(3, h.Server.Requests.Count(r => r.Path == "/v5/market/instruments-info"));
    }

    [Fact]
    public async Task Ticker_wallet_and_positions_are_mapped()
    {
        await using var h = await BybitHarness.StartAsync(new() { ["Bybit:StreamTickers"] = "false" });
        h.Server.Positions.Add(("BTCUSDT", "Sell", 0.5m, 61_000m, 60_000m, 500m, 5));
        h.Server.Positions.Add(("ETHUSDT", "Buy", 0m, 0m, 3_000m, 0m, 10));

        var ticker = await h.Exchange.GetTickerAsync("BTCUSDT", OrderCategory.Linear, Ct);
        Assert.Equal(60_000m, ticker.LastPrice);
        Assert.Equal(1.25m, ticker.Change24hPercent);

        var wallet = await h.Exchange.GetWalletAsync(Ct);
        Assert.Equal(10_000m, wallet.Equity);
        Assert.Equal(9_900m, wallet.AvailableBalance);
        Assert.Equal(12.5m, wallet.UnrealizedPnl);
        var usdt = Assert.Single(wallet.Coins);
        Assert.Equal(new CoinBalance("USDT", 10_000m, 9_900m, 10_000m), usdt);

        var position = Assert.Single(await h.Exchange.GetPositionsAsync(null, Ct));
        Assert.Equal(new Position("BTCUSDT", OrderCategory.Linear, -0.5m, 61_000m, 60_000m, 500m, 5), position);
    }

    [Fact]
    public async Task An_unknown_symbol_price_is_a_clear_error()
    {
        await using var h = await BybitHarness.StartAsync();
        var e = await Assert.ThrowsAsync<ExchangeException>(() => h.Exchange.GetTickerAsync("NOPEUSDT", OrderCategory.Linear, Ct));
        Assert.Equal("Bybit has no linear market NOPEUSDT.", e.Message);
    }

    [Fact]
    public async Task A_spot_market_order_is_sized_in_base_units()
    {
        await using var h = await BybitHarness.StartAsync();
        var r = await h.Exchange.PlaceOrderAsync(Buy("alpha-spot-1", qty: 0.0015m, category: OrderCategory.Spot), Ct);
        Assert.True(r.Accepted);
        var body = JsonDocument.Parse(Assert.Single(h.Server.Orders).Body).RootElement;
        Assert.Equal("spot", body.GetProperty("category").GetString());
        Assert.Equal("baseCoin", body.GetProperty("marketUnit").GetString());
        Assert.Equal("0.0015", body.GetProperty("qty").GetString());
    }
}
