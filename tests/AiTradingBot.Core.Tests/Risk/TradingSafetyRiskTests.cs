using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using Xunit;

namespace AiTradingBot.Core.Tests.Risk;

/// <summary>Issue 12: exposure with resting orders, category-separated positions, the halt on launches, the bands and size refusals.</summary>
public sealed class TradingSafetyRiskTests
{
    private static readonly RiskOptions Limits = new()
    {
        MaxOrderNotional = 5_000m, MaxPositionNotional = 20_000m, MaxLeverage = 10, MaxOpenOrders = 20, MaxOrdersPerMinute = 10,
        DailyLossLimit = 500m, PriceBandPercent = 10m, TriggerBandPercent = 50m,
    };

    private static MarketSnapshot Market(decimal btc = 50_000m) => new(
        new Dictionary<string, Ticker> { ["BTCUSDT"] = new("BTCUSDT", btc, null, null, null, DateTimeOffset.UnixEpoch) },
        new Dictionary<string, InstrumentRules> { ["BTCUSDT"] = new("BTCUSDT", OrderCategory.Linear, 0.001m, 0.001m, 5m, 0.1m, 100) },
        new Dictionary<string, string>());

    private static Position Linear(decimal qty) => new("BTCUSDT", OrderCategory.Linear, qty, 48_000m, 50_000m, 0, 1);

    private static OpenOrder Resting(OrderSide side, decimal qty, decimal price) =>
        new("R1", "manual-order-X-0", "BTCUSDT", OrderCategory.Linear, side, OrderType.Limit, qty, 0m, price, null, false, OrderStatus.New, DateTimeOffset.UnixEpoch);

    private static AccountSnapshot Account(IReadOnlyList<Position>? positions = null, IReadOnlyList<OpenOrder>? resting = null, bool halted = false, decimal today = 0) =>
        new AccountSnapshot(positions ?? [], resting?.Count ?? 0, 0, today, 10_000m, halted) { Resting = resting ?? [] };

    private static RiskDecision Check(ActionArgs args, AccountSnapshot account, MarketSnapshot? market = null) =>
        RiskEngine.Evaluate([new PlanStep(args)], account, market ?? Market(), Limits, SystemRegistry.Default, live: false);

    private static OrderPlaceArgs SellLimit(decimal qty, decimal price) => new("BTCUSDT", OrderSide.Sell, OrderType.Limit, Qty: qty, Price: price);

    [Fact]
    public void A_second_sell_limit_that_would_cross_zero_with_the_resting_one_is_refused_while_halted()
    {
        // The example: long 0.02, a resting sell limit of 0.02, then another sell limit of 0.02.
        var account = Account([Linear(0.02m)], [Resting(OrderSide.Sell, 0.02m, 51_000m)], halted: true);
        var second = Check(SellLimit(0.02m, 51_000m), account);
        Assert.False(second.Allowed);
        Assert.Contains("halted", second.Reasons[0]);
        Assert.True(second.Orders[0].IncreasesRisk);
        // The first one alone is reducing and passes the halt.
        Assert.True(Check(SellLimit(0.02m, 51_000m), Account([Linear(0.02m)], halted: true)).Allowed);
        // A smaller one that still fits beside the resting order passes too.
        Assert.True(Check(SellLimit(0.01m, 51_000m), Account([Linear(0.03m)], [Resting(OrderSide.Sell, 0.02m, 51_000m)], halted: true)).Allowed);
    }

    [Fact]
    public void Resting_orders_on_the_other_side_do_not_count_against_a_reducing_order()
    {
        var account = Account([Linear(0.02m)], [Resting(OrderSide.Buy, 0.05m, 49_000m)], halted: true);
        Assert.True(Check(SellLimit(0.02m, 51_000m), account).Allowed);
    }

    [Fact]
    public void Reduce_only_counts_the_resting_orders_too()
    {
        var account = Account([Linear(0.02m)], [Resting(OrderSide.Sell, 0.02m, 51_000m)]);
        var d = Check(SellLimit(0.02m, 51_000m) with { ReduceOnly = true }, account);
        Assert.False(d.Allowed);
        Assert.Contains("open sell orders (0.02)", d.Reasons[0]);
    }

    [Fact]
    public void Spot_holdings_and_linear_positions_on_one_symbol_never_net()
    {
        // Short 0.1 linear, long 0.1 spot: netted, the buy would look like opening risk from zero and be refused.
        var account = Account([Linear(-0.1m), new Position("BTCUSDT", OrderCategory.Spot, 0.1m, 48_000m, 50_000m, 0, 1)], halted: true);
        var cover = Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m), account);
        Assert.True(cover.Allowed, string.Join(" | ", cover.Reasons));
        Assert.False(cover.Orders[0].IncreasesRisk);
    }

    [Fact]
    public void The_position_limit_counts_resting_orders_on_the_same_side()
    {
        // 0.35 held (17,500) + 0.04 resting buy (2,000) + 0.02 now (1,000) = 20,500 > 20,000.
        var account = Account([Linear(0.35m)], [Resting(OrderSide.Buy, 0.04m, 50_000m)]);
        var d = Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.02m), account);
        Assert.False(d.Allowed);
        Assert.Contains("Risk:MaxPositionNotional", d.Reasons[0]);
        Assert.Contains("at most 0.01 BTC now", d.Reasons[0]);
        Assert.True(Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.02m), Account([Linear(0.35m)])).Allowed);
    }

    [Fact]
    public void Launching_a_bot_is_refused_while_halted_like_starting_a_trading_system()
    {
        var d = Check(new SystemLaunchArgs("grid", "delta"), Account(halted: true));
        Assert.False(d.Allowed);
        Assert.Contains("/resume", d.Reasons[0]);
        Assert.True(Check(new SystemLaunchArgs("grid", "delta"), Account()).Allowed);
    }

    [Fact]
    public void A_tripped_daily_loss_limit_also_refuses_launching_and_starting_trading_systems()
    {
        var lost = Account(today: -600m);
        Assert.Contains("daily loss limit", Check(new SystemLaunchArgs("grid", "delta"), lost).Reasons[0]);
        Assert.Contains("daily loss limit", Check(new SystemStartArgs("alpha"), lost).Reasons[0]);
        Assert.True(Check(new SystemStartArgs("database"), lost).Allowed);
    }

    [Fact]
    public void A_trigger_gets_the_wider_trigger_band_while_a_missing_digit_is_still_caught()
    {
        // "buy 0.1 BTC when it drops below $45,000" with BTC at 52,000: 13.5% away, a normal conditional order.
        var dip = new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.09m, Trigger: new OrderTrigger(45_000m, TriggerDirection.Below));
        Assert.True(Check(dip, Account(), Market(52_000m)).Allowed, string.Join(" | ", Check(dip, Account(), Market(52_000m)).Reasons));
        var typo = dip with { Trigger = new OrderTrigger(4_500m, TriggerDirection.Below) };
        Assert.Contains("Risk:TriggerBandPercent", Check(typo, Account(), Market(52_000m)).Reasons[0]);
        // A limit price 13.5% away is still outside the limit band.
        var limit = new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.09m, Price: 45_000m);
        Assert.Contains("Risk:PriceBandPercent", Check(limit, Account(), Market(52_000m)).Reasons[0]);
    }

    [Fact]
    public void A_size_refusal_says_what_would_pass()
    {
        var d = Check(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m), Account(), Market(52_600m));
        Assert.False(d.Allowed);
        Assert.Contains("the limit is 5000 USDT per order: at most 0.095 BTC now", d.Reasons[0]);
    }
}
