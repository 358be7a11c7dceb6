using System.Text.Json;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using Xunit;

namespace AiTradingBot.Core.Tests.Plans;

public sealed class CatalogAndPlanJsonTests
{
    [Theory]
    [InlineData("system.status", false)]
    [InlineData("system.diagnostics", false)]
    [InlineData("system.logs", false)]
    [InlineData("system.start", true)]
    [InlineData("system.stop", true)]
    [InlineData("system.restart", true)]
    [InlineData("system.exec", true)]
    [InlineData("system.killswitch", true)]
    [InlineData("order.place", true)]
    [InlineData("order.cancel", true)]
    [InlineData("order.list", false)]
    [InlineData("position.close", true)]
    [InlineData("portfolio.balance", false)]
    [InlineData("portfolio.positions", false)]
    [InlineData("portfolio.pnl", false)]
    [InlineData("portfolio.trades", false)]
    [InlineData("market.price", false)]
    [InlineData("report.send", false)]
    [InlineData("report.schedule", false)]
    [InlineData("report.list", false)]
    [InlineData("report.cancel", false)]
    [InlineData("help", false)]
    public void Every_contract_action_is_in_the_catalog_with_its_gating(string name, bool gated)
    {
        var action = ActionCatalog.Find(name);
        Assert.NotNull(action);
        Assert.Equal(gated, action.Gated);
        Assert.False(string.IsNullOrWhiteSpace(action.Description));
        Assert.All(action.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description)));
    }

    [Fact]
    public void Defaults_are_always_present_and_optional_arguments_without_default_are_omitted()
    {
        var plan = Plan.Of("x", new SystemLogsArgs("alpha"), new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.10m));
        var json = PlanJson.Serialize(plan);
        Assert.Equal(
            """{"input":"x","kind":"plan","confirm":true,"steps":[{"action":"system.logs","args":{"system":"alpha","lines":50}},{"action":"order.place","args":{"symbol":"BTCUSDT","side":"buy","type":"market","qty":0.1,"reduceOnly":false,"category":"linear"}}]}""",
            json);
    }

    [Fact]
    public void Clarify_plans_carry_the_question_and_no_steps()
    {
        var node = PlanJson.ToNode(Plan.Clarification("stop", "Which system should I stop?"));
        Assert.Equal("clarify", node["kind"]!.GetValue<string>());
        Assert.Empty(node["steps"]!.AsArray());
        Assert.False(node["confirm"]!.GetValue<bool>());
        Assert.Equal("Which system should I stop?", node["clarify"]!.GetValue<string>());
    }

    [Fact]
    public void Steps_round_trip_through_json_and_hash_identically()
    {
        IReadOnlyList<PlanStep> steps = [new OrderPlaceArgs("ETHUSDT", OrderSide.Sell, OrderType.Limit, Qty: 1m, Price: 3500m, Trigger: new OrderTrigger(4000m, TriggerDirection.Above), Leverage: 5)];
        var back = PlanJson.DeserializeSteps(PlanJson.SerializeSteps(steps));
        Assert.Equal(steps, back);
        Assert.Equal(PlanJson.Hash(steps), PlanJson.Hash(back));
        Assert.NotEqual(PlanJson.Hash(steps), PlanJson.Hash([new OrderPlaceArgs("ETHUSDT", OrderSide.Sell, OrderType.Limit, Qty: 2m, Price: 3500m)]));
    }

    [Theory]
    [InlineData("system.nuke", "{}", "Unknown action")]
    [InlineData("system.stop", "{}", "missing required argument 'system'")]
    [InlineData("system.stop", """{"system":"alpha","force":true}""", "unknown argument")]
    [InlineData("system.logs", """{"system":"alpha","lines":"many"}""", "whole number")]
    [InlineData("system.logs", """{"system":"alpha","lines":1.5}""", "whole number")]
    [InlineData("order.place", """{"symbol":"BTCUSDT","side":"up","qty":1}""", "one of buy, sell")]
    [InlineData("order.place", """{"symbol":"BTCUSDT","side":"buy","qty":"45k"}""", "must be a number")]
    [InlineData("order.place", """{"symbol":"BTCUSDT","side":"buy","qty":1,"trigger":{"price":5}}""", "trigger.direction' is required")]
    public void Reading_a_step_is_strict_and_says_what_is_wrong(string action, string args, string expected)
    {
        using var doc = JsonDocument.Parse(args);
        var result = PlanJson.ReadStep(action, doc.RootElement);
        Assert.Null(result.Step);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public void A_price_without_a_type_reads_as_a_limit_order()
    {
        using var doc = JsonDocument.Parse("""{"symbol":"BTCUSDT","side":"buy","qty":0.1,"price":45000}""");
        var step = PlanJson.ReadStep("order.place", doc.RootElement).Step!;
        Assert.Equal(OrderType.Limit, ((OrderPlaceArgs)step.Args).Type);
    }
}

public sealed class ClientOrderIdTests
{
    [Theory]
    [InlineData("manual", "order", "K7Q2MXPA", 0)]
    [InlineData("shortseller", "close", "0123456789ABCDEFGHIJ", 12)]
    [InlineData("Bot With Spaces!", "order", "REF", 3)]
    public void Ids_fit_bybit_and_name_the_bot(string bot, string reason, string reference, int step)
    {
        var id = AiTradingBot.Core.Trading.ClientOrderIds.Create(bot, reason, reference, step);
        Assert.True(AiTradingBot.Core.Trading.ClientOrderIds.IsValid(id), id);
        Assert.True(id.Length <= 36);
        Assert.EndsWith($"-{step}", id);
        Assert.Equal(new string(bot.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray()), AiTradingBot.Core.Trading.ClientOrderIds.BotOf(id));
    }

    [Fact]
    public void The_same_step_of_the_same_confirmation_gets_the_same_id() =>
        Assert.Equal(AiTradingBot.Core.Trading.ClientOrderIds.Create("manual", "order", "ABC", 1), AiTradingBot.Core.Trading.ClientOrderIds.Create("manual", "order", "ABC", 1));

    [Theory]
    [InlineData("manual-order-X-0\n")]
    [InlineData("has:colon")]
    [InlineData("0123456789012345678901234567890123456")]
    public void Ids_bybit_would_refuse_are_invalid(string id) => Assert.False(AiTradingBot.Core.Trading.ClientOrderIds.IsValid(id));
}
