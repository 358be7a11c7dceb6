using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using Xunit;

namespace AiTradingBot.Core.Tests.Risk;

/// <summary>Prices round toward the safe side and never beyond the user's price; quantities round down.</summary>
public sealed class OrderRoundingTests
{
    private static readonly MarketSnapshot Market = new(
        new Dictionary<string, Ticker> { ["BTCUSDT"] = new("BTCUSDT", 50_000m, null, null, null, DateTimeOffset.UnixEpoch) },
        new Dictionary<string, InstrumentRules> { ["BTCUSDT"] = new("BTCUSDT", OrderCategory.Linear, 0.001m, 0.001m, 5m, 0.5m, 100) },
        new Dictionary<string, string>());

    private static OrderRequest Prepare(OrderPlaceArgs a) => OrderPreparer.Prepare(a, Market, "manual", "REF", 0).Request!;

    [Fact]
    public void A_buy_limit_rounds_down_and_a_sell_limit_up()
    {
        // Nearest would be 50,000.5 for the buy (more than the user offered) and 50,000.0 for the sell (less than asked).
        Assert.Equal(50_000.0m, Prepare(new("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.01m, Price: 50_000.3m)).Price);
        Assert.Equal(50_000.5m, Prepare(new("BTCUSDT", OrderSide.Sell, OrderType.Limit, Qty: 0.01m, Price: 50_000.2m)).Price);
        Assert.Equal(50_000.5m, Prepare(new("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.01m, Price: 50_000.5m)).Price);
    }

    [Fact]
    public void A_trigger_rounds_so_that_it_never_fires_before_the_users_level()
    {
        Assert.Equal(45_000.0m, Prepare(new("BTCUSDT", OrderSide.Buy, Qty: 0.01m, Trigger: new OrderTrigger(45_000.3m, TriggerDirection.Below))).Trigger!.Price);
        Assert.Equal(55_000.5m, Prepare(new("BTCUSDT", OrderSide.Sell, Qty: 0.01m, Trigger: new OrderTrigger(55_000.2m, TriggerDirection.Above))).Trigger!.Price);
    }

    [Fact]
    public void Stop_loss_and_take_profit_round_toward_the_current_price()
    {
        var buy = Prepare(new("BTCUSDT", OrderSide.Buy, Qty: 0.01m, TakeProfit: 55_000.7m, StopLoss: 48_000.2m));
        Assert.Equal(55_000.5m, buy.TakeProfit);
        Assert.Equal(48_000.5m, buy.StopLoss);
        var sell = Prepare(new("BTCUSDT", OrderSide.Sell, Qty: 0.01m, TakeProfit: 45_000.2m, StopLoss: 52_000.7m));
        Assert.Equal(45_000.5m, sell.TakeProfit);
        Assert.Equal(52_000.5m, sell.StopLoss);
    }

    [Fact]
    public void A_quantity_rounds_down_to_the_step_and_one_that_rounds_to_zero_is_refused_with_the_minimum()
    {
        Assert.Equal(0.012m, Prepare(new("BTCUSDT", OrderSide.Buy, Qty: 0.0129m)).Qty);
        var zero = OrderPreparer.Prepare(new("BTCUSDT", OrderSide.Buy, Qty: 0.0004m), Market, "manual", "REF", 0);
        Assert.Null(zero.Request);
        Assert.Contains("minimum order of 0.001 BTC", zero.Error);
    }
}
