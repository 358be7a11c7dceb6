using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

public sealed class OfflineParserEdgeTests
{
    private static readonly OfflineParser Parser = new(SystemRegistry.Default);

    private static T Step<T>(string text) where T : ActionArgs
    {
        var plan = Parser.Parse(text);
        Assert.True(plan.Kind == PlanKind.Plan, $"\"{text}\": {PlanJson.Serialize(plan)} {plan.Reason}");
        return Assert.IsType<T>(Assert.Single(plan.Steps).Args);
    }

    [Theory]
    [InlineData("buy 45k worth of btc", 45000)]
    [InlineData("buy $45,000 of btc", 45000)]
    [InlineData("buy 1.5k usdt of eth", 1500)]
    [InlineData("buy 500 dollars worth of eth", 500)]
    [InlineData("buy 500usdt of eth", 500)]
    [InlineData("buy a thousand bucks of sol", 1000)]
    [InlineData("buy eth for $250", 250)]
    public void Amounts_in_quote_currency_are_notional(string text, decimal notional)
    {
        var order = Step<OrderPlaceArgs>(text);
        Assert.Equal(notional, order.Notional);
        Assert.Null(order.Qty);
    }

    [Theory]
    [InlineData("buy .5 eth", 0.5)]
    [InlineData("buy 0.5 eth", 0.5)]
    [InlineData("buy two eth", 2)]
    [InlineData("buy a hundred doge", 100)]
    [InlineData("buy twenty five sol", 25)]
    [InlineData("buy 2 million doge", 2_000_000)]
    [InlineData("buy 1.5m doge", 1_500_000)]
    [InlineData("buy half a bitcoin", 0.5)]
    [InlineData("buy an eth", 1)]
    [InlineData("buy 0.1btc", 0.1)]
    [InlineData("buy btc 0.1", 0.1)]
    [InlineData("buy 1,000 doge", 1000)]
    public void Quantities_in_base_units_are_qty(string text, decimal qty)
    {
        var order = Step<OrderPlaceArgs>(text);
        Assert.Equal(qty, order.Qty);
        Assert.Null(order.Notional);
    }

    [Theory]
    [InlineData("btc", "BTCUSDT")]
    [InlineData("bitcoin", "BTCUSDT")]
    [InlineData("BTC/USDT", "BTCUSDT")]
    [InlineData("btc perp", "BTCUSDT")]
    [InlineData("btc-perp", "BTCUSDT")]
    [InlineData("ETHUSDT", "ETHUSDT")]
    [InlineData("eth-usdt", "ETHUSDT")]
    [InlineData("ethereum", "ETHUSDT")]
    [InlineData("LINK", "LINKUSDT")]
    [InlineData("bitcoin cash", "BCHUSDT")]
    public void Coins_and_pairs_become_exchange_symbols(string coin, string symbol) =>
        Assert.Equal(symbol, Step<OrderPlaceArgs>($"buy 1 {coin}").Symbol);

    [Fact]
    public void Ambiguous_words_are_not_coins_in_ordinary_sentences() =>
        Assert.Equal(new SystemStatusArgs("alpha"), Step<SystemStatusArgs>("is alpha near done"));

    [Theory]
    [InlineData("long 1 eth 5x", 5)]
    [InlineData("long 1 eth with 5x leverage", 5)]
    [InlineData("long 1 eth at 10x", 10)]
    [InlineData("long 1 eth leverage 3", 3)]
    [InlineData("long 1 eth x20", 20)]
    public void Leverage_is_read_in_its_usual_forms(string text, int leverage) =>
        Assert.Equal(leverage, Step<OrderPlaceArgs>(text).Leverage);

    [Theory]
    [InlineData("buy 1 eth when it drops below 3k", 3000, TriggerDirection.Below)]
    [InlineData("buy 1 eth if it dips under 2,900", 2900, TriggerDirection.Below)]
    [InlineData("sell 1 eth if it rises above 4k", 4000, TriggerDirection.Above)]
    [InlineData("sell 1 eth once it breaks 4500", 4500, TriggerDirection.Above)]
    [InlineData("sell 1 eth when the price goes over $5,000", 5000, TriggerDirection.Above)]
    public void Conditions_become_triggers(string text, decimal price, TriggerDirection direction)
    {
        var order = Step<OrderPlaceArgs>(text);
        Assert.Equal(new OrderTrigger(price, direction), order.Trigger);
        Assert.Equal(OrderType.Market, order.Type);
    }

    [Theory]
    [InlineData("buy 0.1 btc sl 42k tp 48k")]
    [InlineData("buy 0.1 btc with stop loss at 42000 and take profit at 48000")]
    [InlineData("buy 0.1 btc, stop-loss 42,000, take-profit 48,000")]
    [InlineData("buy 0.1 btc tp 48k sl 42k")]
    public void Take_profit_and_stop_loss_are_read_in_any_order(string text)
    {
        var order = Step<OrderPlaceArgs>(text);
        Assert.Equal(42000m, order.StopLoss);
        Assert.Equal(48000m, order.TakeProfit);
    }

    [Theory]
    [InlineData("buy 0.01 btc spot", OrderCategory.Spot)]
    [InlineData("spot buy 0.01 btc", OrderCategory.Spot)]
    [InlineData("buy 0.01 btc on the spot market", OrderCategory.Spot)]
    [InlineData("buy 0.01 btc", OrderCategory.Linear)]
    [InlineData("buy 0.01 btc perp", OrderCategory.Linear)]
    public void Spot_only_when_the_text_says_spot(string text, OrderCategory category) =>
        Assert.Equal(category, Step<OrderPlaceArgs>(text).Category);

    [Theory]
    [InlineData("close half my btc", 50)]
    [InlineData("close 25% of my sol position", 25)]
    [InlineData("close a quarter of eth", 25)]
    [InlineData("close three quarters of eth", 75)]
    [InlineData("close a third of my eth", 33.33)]
    [InlineData("close two thirds of my eth", 66.67)]
    [InlineData("close my eth", 100)]
    public void Close_percent_comes_from_fractions_and_percentages(string text, decimal percent) =>
        Assert.Equal(percent, Step<PositionCloseArgs>(text).Percent);

    [Theory]
    [InlineData("show alpha logs from the last 10 minutes", "10m")]
    [InlineData("alpha logs for the past 2 hours", "2h")]
    [InlineData("alpha logs since 30m", "30m")]
    [InlineData("alpha logs from the last hour", "1h")]
    [InlineData("alpha logs from the last 90 seconds", "90s")]
    [InlineData("alpha logs for the last 1.5 hours", "90m")]
    [InlineData("alpha logs from the last day", "1d")]
    public void Log_windows_become_since(string text, string since)
    {
        var logs = Step<SystemLogsArgs>(text);
        Assert.Equal(since, logs.Since);
        Assert.Equal(50, logs.Lines);
    }

    [Theory]
    [InlineData("every day at 8am", "0 8 * * *")]
    [InlineData("daily at 18:00", "0 18 * * *")]
    [InlineData("every hour", "0 * * * *")]
    [InlineData("hourly", "0 * * * *")]
    [InlineData("every 15 minutes", "*/15 * * * *")]
    [InlineData("every 2 hours", "0 */2 * * *")]
    [InlineData("every monday at 9:30", "30 9 * * 1")]
    [InlineData("every weekday at 7am", "0 7 * * 1-5")]
    [InlineData("on weekends at 10am", "0 10 * * 0,6")]
    [InlineData("every monday and friday at 9", "0 9 * * 1,5")]
    [InlineData("every evening at 6", "0 18 * * *")]
    [InlineData("every day at noon", "0 12 * * *")]
    [InlineData("every day at 8:15pm", "15 20 * * *")]
    [InlineData("monthly on the 1st at 9am", "0 9 1 * *")]
    public void Schedules_become_cron_expressions(string when, string cron) =>
        Assert.Equal(new ReportScheduleArgs(ReportKind.Pnl, cron), Step<ReportScheduleArgs>($"send me the pnl report {when}"));

    [Theory]
    [InlineData("schedule the pnl report")]
    [InlineData("send me the pnl report every day")]
    [InlineData("send the pnl report every 90 minutes")]
    public void A_schedule_without_a_usable_time_asks(string text) => Assert.Equal(PlanKind.Clarify, Parser.Parse(text).Kind);

    [Theory]
    [InlineData("stop", "Which system should I stop? (alpha, bravo, charlie, database, cache, or all)")]
    [InlineData("buy some bitcoin", "How much BTC should I buy?")]
    [InlineData("sell 0.5", "Which coin should I sell 0.5 of?")]
    [InlineData("show me the logs", "Which system's logs?")]
    [InlineData("close my position", "Which position should I close?")]
    [InlineData("stop delta", "I don't know a system called \"delta\". Known systems: alpha, bravo, charlie, database and cache.")]
    [InlineData("buy 1 foocoin", "I don't know the coin \"foocoin\"")]
    [InlineData("limit buy 0.1 btc", "At what price")]
    [InlineData("buy 0.1 btc when it hits 40k", "rises above 40000 or when it falls below 40000")]
    [InlineData("run backup on alpha", "Allowed: health")]
    [InlineData("unschedule the report", "Which scheduled report")]
    public void Missing_or_unknown_arguments_get_a_specific_question(string text, string question)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.Clarify, plan.Kind);
        Assert.Contains(question, plan.Clarify);
    }

    [Theory]
    [InlineData("restart alpha and frobnicate the flux capacitor")]
    [InlineData("stop alpha, not bravo")]
    [InlineData("stop alpha or bravo")]
    [InlineData("if bravo is down restart it")]
    [InlineData("buy 0.1 btc below 40k")]
    public void Half_understood_gated_messages_ask_instead_of_guessing(string text)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.Clarify, plan.Kind);
        Assert.False(plan.Confirm);
    }

    [Theory]
    [InlineData("hello")]
    [InlineData("thanks!")]
    [InlineData("never mind")]
    [InlineData("ok cool")]
    [InlineData("what's the weather in london")]
    [InlineData("cancel")]
    public void Chit_chat_and_unrelated_text_are_nothing(string text) => Assert.Equal(PlanKind.None, Parser.Parse(text).Kind);

    [Theory]
    [InlineData("is alpha running?")]
    [InlineData("why isn't bravo running?")]
    [InlineData("how much money do I have")]
    [InlineData("what orders do I have on eth")]
    public void Questions_that_ask_for_information_are_read_only_plans(string text)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.Plan, plan.Kind);
        Assert.False(plan.Confirm);
    }

    [Fact]
    public void Read_only_steps_after_a_negated_instruction_still_run() =>
        Assert.Equal(new SystemStatusArgs("alpha"), Step<SystemStatusArgs>("don't restart alpha, just show its status"));

    [Fact]
    public void Killswitch_absorbs_stop_everything_and_close_all_positions() =>
        Assert.Equal(new SystemKillswitchArgs(true), Step<SystemKillswitchArgs>("panic: stop everything, cancel all orders and close all positions"));

    [Fact]
    public void Systems_come_from_the_registry_not_the_grammar()
    {
        var registry = new SystemRegistry(
        [
            new SystemDefinition("delta", "scalper_trading", ["scalper", "fast one"], SystemRole.Trading,
                new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["flush"] = ["/bin/flush"] }),
            new SystemDefinition("store", "pg", ["pg"], SystemRole.Infrastructure, new Dictionary<string, IReadOnlyList<string>>()),
        ]);
        var parser = new OfflineParser(registry);
        Assert.Equal([new PlanStep(new SystemStopArgs("delta"))], parser.Parse("stop the scalper").Steps);
        Assert.Equal([new PlanStep(new SystemRestartArgs("delta"))], parser.Parse("restart the fast one").Steps);
        Assert.Equal([new PlanStep(new SystemExecArgs("delta", "flush"))], parser.Parse("run flush on delta").Steps);
        var unknown = parser.Parse("stop alpha");
        Assert.Equal(PlanKind.Clarify, unknown.Kind);
        Assert.Contains("delta and store", unknown.Clarify);
        Assert.Equal("Which system should I stop? (delta, store, or all)", parser.Parse("stop").Clarify);
    }
}
