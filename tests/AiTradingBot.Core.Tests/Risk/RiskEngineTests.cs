using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using Xunit;

namespace AiTradingBot.Core.Tests.Risk;

public sealed class RiskEngineTests
{
    private static readonly RiskOptions Limits = new()
    {
        MaxOrderNotional = 5_000m, MaxPositionNotional = 20_000m, MaxLeverage = 10, MaxOpenOrders = 3, MaxOrdersPerMinute = 5,
        DailyLossLimit = 500m, PriceBandPercent = 10m,
    };

    private static readonly MarketSnapshot Market = new(
        new Dictionary<string, Ticker>
        {
            ["BTCUSDT"] = new("BTCUSDT", 50_000m, null, null, null, DateTimeOffset.UnixEpoch),
            ["ETHUSDT"] = new("ETHUSDT", 3_000m, null, null, null, DateTimeOffset.UnixEpoch),
        },
        new Dictionary<string, InstrumentRules>(), new Dictionary<string, string>());

    private static AccountSnapshot Account(decimal btc = 0, int open = 0, int lastMinute = 0, decimal today = 0, bool halted = false) =>
        new(btc == 0 ? [] : [new Position("BTCUSDT", OrderCategory.Linear, btc, 48_000m, 50_000m, 0, 1)], open, lastMinute, today, 10_000m, halted);

    private static RiskDecision Check(ActionArgs args, AccountSnapshot? account = null, RiskOptions? limits = null) =>
        RiskEngine.Evaluate([new PlanStep(args)], account ?? Account(), Market, limits ?? Limits, SystemRegistry.Default, live: false);

    private static OrderPlaceArgs Buy(decimal qty, string symbol = "BTCUSDT") => new(symbol, OrderSide.Buy, Qty: qty);
    private static OrderPlaceArgs Sell(decimal qty, string symbol = "BTCUSDT") => new(symbol, OrderSide.Sell, Qty: qty);

    [Fact]
    public void Orders_are_classified_against_the_current_position()
    {
        Assert.True(Check(Buy(0.01m)).Orders[0].IncreasesRisk);
        Assert.False(Check(Sell(0.05m), Account(btc: 0.1m)).Orders[0].IncreasesRisk);
        Assert.True(Check(Sell(0.2m), Account(btc: 0.1m)).Orders[0].IncreasesRisk); // flips to short
        Assert.True(Check(Buy(0.05m), Account(btc: 0.1m)).Orders[0].IncreasesRisk);
    }

    [Fact]
    public void Earlier_steps_of_the_same_plan_count_when_classifying_later_ones()
    {
        var d = RiskEngine.Evaluate([new PlanStep(Buy(0.05m)), new PlanStep(Sell(0.05m))], Account(), Market, Limits, SystemRegistry.Default, false);
        Assert.True(d.Orders[0].IncreasesRisk);
        Assert.False(d.Orders[1].IncreasesRisk);
    }

    [Fact]
    public void The_per_order_notional_limit_denies_with_the_setting_named()
    {
        var d = Check(Buy(0.2m));
        Assert.False(d.Allowed);
        Assert.Contains("Risk:MaxOrderNotional", d.Reasons[0]);
        Assert.True(Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Notional: 4_000m)).Allowed);
    }

    [Fact]
    public void The_position_limit_counts_what_is_already_held()
    {
        var d = Check(Buy(0.09m), Account(btc: 0.35m));
        Assert.False(d.Allowed);
        Assert.Contains(d.Reasons, r => r.Contains("Risk:MaxPositionNotional"));
    }

    [Fact]
    public void Leverage_above_the_limit_is_denied_and_leverage_is_warned_about()
    {
        Assert.Contains("Risk:MaxLeverage", Check(Buy(0.01m) with { Leverage = 20 }).Reasons[0]);
        Assert.Contains(Check(Buy(0.01m) with { Leverage = 5 }).Warnings, w => w.Contains("5x"));
    }

    [Fact]
    public void Only_allowed_symbols_may_be_traded_when_a_list_is_configured()
    {
        var limits = new RiskOptions { AllowedSymbols = ["ETHUSDT"], MaxOrderNotional = 5_000m };
        Assert.Contains("not in the allowed symbols", Check(Buy(0.01m), limits: limits).Reasons[0]);
        Assert.True(Check(Buy(0.1m, "ETHUSDT"), limits: limits).Allowed);
    }

    [Fact]
    public void Open_orders_and_orders_per_minute_are_capped()
    {
        Assert.Contains("Risk:MaxOpenOrders", Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.01m, Price: 49_000m), Account(open: 3)).Reasons[0]);
        Assert.True(Check(Buy(0.01m), Account(open: 3)).Allowed); // a market order does not rest
        Assert.Contains("Risk:MaxOrdersPerMinute", Check(Buy(0.01m), Account(lastMinute: 5)).Reasons[0]);
    }

    [Fact]
    public void The_price_band_catches_a_missing_digit_whichever_way_the_order_goes()
    {
        var typo = new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.01m, Price: 4_500m);
        Assert.Contains("Risk:PriceBandPercent", Check(typo).Reasons[0]);
        var trigger = Sell(0.05m) with { Trigger = new OrderTrigger(5_000m, TriggerDirection.Below) };
        Assert.False(Check(trigger, Account(btc: 0.1m)).Allowed);
        Assert.True(Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.01m, Price: 46_000m)).Allowed);
    }

    [Fact]
    public void After_the_daily_loss_limit_only_risk_reducing_orders_pass()
    {
        var lost = Account(btc: 0.1m, today: -600m);
        var denied = Check(Buy(0.01m), lost);
        Assert.False(denied.Allowed);
        Assert.True(denied.LossLimitTripped);
        Assert.Contains("daily loss limit", denied.Reasons[0]);
        Assert.True(Check(Sell(0.05m), lost).Allowed);
        Assert.True(Check(new PositionCloseArgs("BTCUSDT"), lost).Allowed);
        Assert.True(Check(Buy(0.01m), Account(today: -499m)).Allowed);
    }

    [Fact]
    public void A_killswitch_halt_lets_only_risk_reducing_orders_through()
    {
        var halted = Account(btc: 0.1m, halted: true);
        Assert.Contains("/resume", Check(Buy(0.01m), halted).Reasons[0]);
        Assert.True(Check(Sell(0.1m), halted).Allowed);
        Assert.True(Check(new PositionCloseArgs("all"), halted).Allowed);
        Assert.True(Check(new OrderCancelArgs(), halted).Allowed);
    }

    [Fact]
    public void A_halt_also_blocks_deploying_trading_systems_but_not_infrastructure()
    {
        var halted = Account(halted: true);
        Assert.False(Check(new SystemStartArgs("alpha"), halted).Allowed);
        Assert.False(Check(new SystemRestartArgs("all"), halted).Allowed);
        Assert.True(Check(new SystemRestartArgs("database"), halted).Allowed);
        Assert.True(Check(new SystemStopArgs("alpha"), halted).Allowed);
    }

    [Fact]
    public void Reduce_only_without_a_position_to_reduce_is_denied()
    {
        Assert.Contains("no BTCUSDT position", Check(Sell(0.1m) with { ReduceOnly = true }).Reasons[0]);
        Assert.True(Check(Sell(0.1m) with { ReduceOnly = true }, Account(btc: 0.1m)).Allowed);
    }

    [Fact]
    public void Estimated_notional_uses_the_limit_or_trigger_price()
    {
        Assert.Equal(460m, Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.01m, Price: 46_000m)).EstimatedNotional);
        Assert.Equal(500m, Check(Buy(0.01m)).EstimatedNotional);
    }

    [Fact]
    public void Live_orders_carry_a_real_money_warning()
    {
        var d = RiskEngine.Evaluate([new PlanStep(Buy(0.01m))], Account(), Market, Limits, SystemRegistry.Default, live: true);
        Assert.Contains(d.Warnings, w => w.StartsWith("LIVE"));
    }

    [Fact]
    public void The_same_inputs_always_give_the_same_decision()
    {
        var a = Check(Buy(0.2m), Account(btc: 0.3m, today: -700m));
        var b = Check(Buy(0.2m), Account(btc: 0.3m, today: -700m));
        Assert.Equal(a.Reasons, b.Reasons);
        Assert.Equal(a.Warnings, b.Warnings);
    }
}
