using System.Text.Json;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>Request building for every order shape, and what is refused before anything is sent.</summary>
public sealed class BybitOrderBuilderTests
{
    private static readonly InstrumentRules Btc = new("BTCUSDT", OrderCategory.Linear, 0.001m, 0.001m, 5m, 0.1m, 100);
    private static readonly InstrumentRules BtcSpot = new("BTCUSDT", OrderCategory.Spot, 0.000001m, 0.000048m, 1m, 0.01m, 1);

    private static OrderRequest Order(OrderType type = OrderType.Market, decimal qty = 0.01m, decimal? price = null, OrderTrigger? trigger = null,
        decimal? tp = null, decimal? sl = null, int? leverage = null, bool reduceOnly = false, OrderCategory category = OrderCategory.Linear,
        OrderSide side = OrderSide.Buy, string id = "alpha-manual-0001") =>
        new(id, "alpha", "BTCUSDT", category, side, type, qty, price, trigger, tp, sl, leverage, reduceOnly);

    private static Dictionary<string, JsonElement> Body(OrderRequest o) =>
        JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(BybitOrderBuilder.BuildCreateBody(o))!;

    [Fact]
    public void Market_order_sends_strings_for_qty_and_the_client_id_as_orderLinkId()
    {
        var body = BybitOrderBuilder.BuildCreateBody(Order(qty: 0.010m));
        Assert.Equal("{\"category\":\"linear\",\"symbol\":\"BTCUSDT\",\"side\":\"Buy\",\"orderType\":\"Market\",\"qty\":\"0.01\",\"orderLinkId\":\"alpha-manual-0001\"}", body);
    }

    [Fact]
    public void Limit_order_carries_price_and_good_till_cancelled()
    {
        var b = Body(Order(OrderType.Limit, price: 59_000.50m, side: OrderSide.Sell));
        Assert.Equal("Limit", b["orderType"].GetString());
        Assert.Equal("Sell", b["side"].GetString());
        Assert.Equal("59000.5", b["price"].GetString());
        Assert.Equal("GTC", b["timeInForce"].GetString());
    }

    [Fact]
    public void Trigger_above_is_direction_1_rises_to()
    {
        var b = Body(Order(trigger: new OrderTrigger(65_000m, TriggerDirection.Above)));
        Assert.Equal("65000", b["triggerPrice"].GetString());
        Assert.Equal(1, b["triggerDirection"].GetInt32());
        Assert.Equal("LastPrice", b["triggerBy"].GetString());
    }

    [Fact]
    public void Trigger_below_is_direction_2_falls_to()
    {
        var b = Body(Order(OrderType.Limit, price: 54_900m, trigger: new OrderTrigger(55_000m, TriggerDirection.Below)));
        Assert.Equal(2, b["triggerDirection"].GetInt32());
        Assert.Equal("54900", b["price"].GetString());
    }

    [Fact]
    public void Take_profit_and_stop_loss_are_strings_on_the_whole_position()
    {
        var b = Body(Order(tp: 70_000m, sl: 55_000.5m));
        Assert.Equal("70000", b["takeProfit"].GetString());
        Assert.Equal("55000.5", b["stopLoss"].GetString());
        Assert.Equal("Full", b["tpslMode"].GetString());
    }

    [Fact]
    public void Reduce_only_is_a_json_boolean()
    {
        var b = Body(Order(reduceOnly: true, side: OrderSide.Sell));
        Assert.Equal(JsonValueKind.True, b["reduceOnly"].ValueKind);
    }

    [Fact]
    public void Spot_market_order_is_sized_in_the_base_coin()
    {
        var b = Body(Order(category: OrderCategory.Spot, qty: 0.0015m));
        Assert.Equal("spot", b["category"].GetString());
        Assert.Equal("baseCoin", b["marketUnit"].GetString());
        Assert.Equal("0.0015", b["qty"].GetString());
    }

    [Fact]
    public void Spot_conditional_order_is_a_stop_order_without_direction()
    {
        var b = Body(Order(OrderType.Limit, price: 50_000m, category: OrderCategory.Spot, trigger: new OrderTrigger(50_500m, TriggerDirection.Below)));
        Assert.Equal("StopOrder", b["orderFilter"].GetString());
        Assert.False(b.ContainsKey("triggerDirection"));
    }

    [Fact]
    public void Leverage_is_set_on_both_sides()
    {
        var b = JsonSerializer.Deserialize<Dictionary<string, string>>(BybitOrderBuilder.BuildSetLeverageBody("BTCUSDT", 10))!;
        Assert.Equal(new Dictionary<string, string> { ["category"] = "linear", ["symbol"] = "BTCUSDT", ["buyLeverage"] = "10", ["sellLeverage"] = "10" }, b);
    }

    [Fact]
    public void Well_formed_orders_pass_validation()
    {
        Assert.Null(BybitOrderBuilder.Validate(Order(), Btc, 60_000m));
        Assert.Null(BybitOrderBuilder.Validate(Order(OrderType.Limit, price: 60_000.1m, tp: 70_000m, sl: 50_000m, leverage: 10), Btc));
        Assert.Null(BybitOrderBuilder.Validate(Order(category: OrderCategory.Spot, qty: 0.0015m), BtcSpot, 60_000m));
    }

    [Theory]
    [InlineData("alpha:manual:1700000000", "not a valid Bybit orderLinkId")]
    [InlineData("", "not a valid Bybit orderLinkId")]
    [InlineData("alpha-manual-1\n", "not a valid Bybit orderLinkId")]
    [InlineData("alpha manual 1", "not a valid Bybit orderLinkId")]
    [InlineData("a-very-long-client-order-id-that-exceeds-36", "not a valid Bybit orderLinkId")]
    public void Client_order_ids_Bybit_would_refuse_are_refused(string id, string expected) =>
        Assert.Contains(expected, BybitOrderBuilder.Validate(Order(id: id), Btc));

    [Fact]
    public void Quantity_off_the_step_is_refused() =>
        Assert.Contains("not a multiple of BTCUSDT's step 0.001", BybitOrderBuilder.Validate(Order(qty: 0.0015m), Btc));

    [Fact]
    public void Quantity_below_the_minimum_is_refused() =>
        Assert.Contains("below BTCUSDT's minimum of 0.001", BybitOrderBuilder.Validate(Order(qty: 0.0005m), Btc with { QtyStep = 0.0001m }));

    [Fact]
    public void Price_off_the_tick_is_refused() =>
        Assert.Contains("tick size 0.1", BybitOrderBuilder.Validate(Order(OrderType.Limit, price: 60_000.05m), Btc));

    [Fact]
    public void Order_value_below_the_minimum_notional_is_refused() =>
        Assert.Contains("below BTCUSDT's minimum of 5", BybitOrderBuilder.Validate(Order(qty: 0.001m), Btc, referencePrice: 1_000m));

    [Fact]
    public void Leverage_above_the_instrument_maximum_is_refused() =>
        Assert.Contains("outside 1x–100x", BybitOrderBuilder.Validate(Order(leverage: 125), Btc));

    [Fact]
    public void Reduce_only_on_spot_is_refused() =>
        Assert.Contains("not spot", BybitOrderBuilder.Validate(Order(category: OrderCategory.Spot, qty: 0.001m, reduceOnly: true), BtcSpot));

    [Fact]
    public void An_unlisted_symbol_is_refused() =>
        Assert.Contains("does not list BTCUSDT", BybitOrderBuilder.Validate(Order(), null));

    [Fact]
    public void A_limit_order_without_price_is_refused() =>
        Assert.Contains("needs a positive price", BybitOrderBuilder.Validate(Order(OrderType.Limit), Btc));
}
