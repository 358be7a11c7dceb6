using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using FluentValidation;
using Xunit;

namespace AiTradingBot.Core.Tests.Validation;

public sealed class ValidatorTests
{
    private static readonly SystemRegistry Systems = SystemRegistry.Default;
    private static readonly PlanValidator Validator = new(new IValidator[]
    {
        new SystemStatusValidator(Systems), new SystemLogsValidator(Systems), new SystemStopValidator(Systems), new SystemExecValidator(Systems),
        new OrderPlaceValidator(new RiskOptions { MaxLeverage = 10 }), new PositionCloseValidator(), new ReportScheduleValidator(),
        new PortfolioPnlValidator(Systems), new MarketPriceValidator(),
    });

    private static readonly MarketSnapshot Market = new(
        new Dictionary<string, Ticker> { ["BTCUSDT"] = new("BTCUSDT", 50_000m, null, null, null, DateTimeOffset.UnixEpoch) },
        new Dictionary<string, InstrumentRules> { ["BTCUSDT"] = new("BTCUSDT", OrderCategory.Linear, 0.001m, 0.001m, 5m, 0.1m, 100) },
        new Dictionary<string, string> { ["XYZUSDT"] = "XYZUSDT is not listed on PAPER (linear)." });

    private static IReadOnlyList<string> Errors(ActionArgs args) => Validator.Validate([new PlanStep(args)], Market).Errors;

    [Theory]
    [InlineData(0)]
    [InlineData(2001)]
    public void Log_lines_must_be_within_1_to_2000(int lines) =>
        Assert.Contains("between 1 and 2000", Assert.Single(Errors(new SystemLogsArgs("alpha", lines))));

    [Fact]
    public void Unknown_systems_name_the_known_ones() =>
        Assert.Contains("Known: alpha, bravo, charlie, database, cache", Assert.Single(Errors(new SystemStopArgs("zulu"))));

    [Fact]
    public void Logs_cannot_be_asked_of_all_systems_at_once() =>
        Assert.NotEmpty(Errors(new SystemLogsArgs("all")));

    [Fact]
    public void Since_must_be_an_age() =>
        Assert.Contains("10m, 2h or 1d", Assert.Single(Errors(new SystemLogsArgs("alpha", 50, Since: "yesterday"))));

    [Fact]
    public void Exec_only_accepts_allowlisted_commands()
    {
        Assert.Empty(Errors(new SystemExecArgs("alpha", "health")));
        Assert.Contains("Allowed: health", Assert.Single(Errors(new SystemExecArgs("alpha", "rm -rf /"))));
        Assert.Contains("no allowlisted commands", Assert.Single(Errors(new SystemExecArgs("database", "health"))));
    }

    [Fact]
    public void An_order_needs_exactly_one_of_qty_and_notional()
    {
        Assert.Contains("exactly one", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy))));
        Assert.Contains("exactly one", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 1, Notional: 100))));
    }

    [Fact]
    public void Limit_orders_need_a_price_and_market_orders_take_none()
    {
        Assert.Contains("needs a price", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 0.1m))));
        Assert.Contains("takes no price", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Market, Qty: 0.1m, Price: 45_000m))));
    }

    [Fact]
    public void Prices_and_quantities_must_be_positive()
    {
        Assert.Contains("positive", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: -1m))));
        Assert.Contains(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, OrderType.Limit, Qty: 1m, Price: 0m)), e => e.Contains("price must be positive"));
    }

    [Fact]
    public void A_trigger_must_lie_on_the_side_of_the_last_price_it_names()
    {
        Assert.Empty(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m, Trigger: new OrderTrigger(45_000m, TriggerDirection.Below))));
        Assert.Contains("would fire at once", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m, Trigger: new OrderTrigger(55_000m, TriggerDirection.Below)))));
        Assert.Contains("would fire at once", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Sell, Qty: 0.1m, Trigger: new OrderTrigger(45_000m, TriggerDirection.Above)))));
    }

    [Fact]
    public void Take_profit_and_stop_loss_must_be_on_the_right_side_of_the_entry()
    {
        Assert.Empty(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m, TakeProfit: 55_000m, StopLoss: 45_000m)));
        var errors = Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m, TakeProfit: 45_000m, StopLoss: 55_000m));
        Assert.Contains(errors, e => e.Contains("take-profit 45000 must be above"));
        Assert.Contains(errors, e => e.Contains("stop-loss 55000 must be below"));
    }

    [Fact]
    public void Leverage_is_bounded_and_not_for_spot()
    {
        Assert.Contains("between 1 and 10x", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m, Leverage: 50))));
        Assert.Contains("Spot orders take no leverage", Assert.Single(Errors(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m, Leverage: 2, Category: OrderCategory.Spot))));
    }

    [Fact]
    public void Unlisted_and_malformed_symbols_are_refused_with_the_reason()
    {
        Assert.Contains("not listed", Assert.Single(Errors(new OrderPlaceArgs("XYZUSDT", OrderSide.Buy, Qty: 1m))));
        Assert.Contains("not an exchange symbol", Assert.Single(Errors(new MarketPriceArgs("bitcoin!"))));
    }

    [Fact]
    public void Close_percent_is_between_1_and_100() =>
        Assert.Contains("between 1 and 100", Assert.Single(Errors(new PositionCloseArgs("BTCUSDT", 150))));

    [Fact]
    public void Invalid_cron_gets_a_clear_message_with_an_example()
    {
        var error = Assert.Single(Errors(new ReportScheduleArgs(ReportKind.Daily, "every morning")));
        Assert.Contains("5 cron fields", error);
        Assert.Contains("0 8 * * *", error);
        Assert.Contains("hour", Assert.Single(Errors(new ReportScheduleArgs(ReportKind.Daily, "0 25 * * *"))));
    }

    [Fact]
    public void Messages_name_the_step_when_a_plan_has_several()
    {
        var errors = Validator.Validate([new PlanStep(new SystemStatusArgs()), new PlanStep(new SystemStopArgs("zulu"))], Market).Errors;
        Assert.StartsWith("Step 2 (system.stop):", Assert.Single(errors));
    }
}
