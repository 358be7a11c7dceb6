using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>Pronouns resolve within a message first, then to the chat's recent context, else the parser asks.</summary>
public sealed class ConversationContextTests
{
    private static readonly OfflineParser Parser = new(SystemRegistry.Default);

    private static ConversationContext After(string? system = null, string? symbol = null) =>
        new(system is null ? [] : [system], symbol is null ? [] : [symbol]);

    private static PlanStep Only(Plan plan)
    {
        Assert.Equal(PlanKind.Plan, plan.Kind);
        return Assert.Single(plan.Steps);
    }

    [Fact]
    public void Restart_it_after_talking_about_alpha_restarts_alpha() =>
        Assert.Equal(new PlanStep(new SystemRestartArgs("alpha")), Only(Parser.Parse("restart it", After(system: "alpha"))));

    [Fact]
    public void Restart_it_without_context_asks_which_system()
    {
        var plan = Parser.Parse("restart it");
        Assert.Equal(PlanKind.Clarify, plan.Kind);
        Assert.Contains("alpha, bravo, charlie, database, cache", plan.Clarify);
    }

    [Theory]
    [InlineData("now show me its logs")]
    [InlineData("show its logs")]
    [InlineData("and its logs?")]
    public void Its_logs_refer_to_the_last_system_of_the_chat(string text) =>
        Assert.Equal(new PlanStep(new SystemLogsArgs("bravo")), Only(Parser.Parse(text, After(system: "bravo"))));

    [Fact]
    public void An_alias_in_the_context_is_resolved_to_the_canonical_name() =>
        Assert.Equal(new PlanStep(new SystemStopArgs("charlie")), Only(Parser.Parse("stop it", After(system: "momentum"))));

    [Fact]
    public void A_system_named_in_the_same_message_wins_over_the_context()
    {
        var plan = Parser.Parse("stop bravo and show me its logs", After(system: "alpha"));
        Assert.Equal([new PlanStep(new SystemStopArgs("bravo")), new PlanStep(new SystemLogsArgs("bravo"))], plan.Steps);
    }

    [Fact]
    public void Them_refers_to_every_system_named_earlier_in_the_message()
    {
        var plan = Parser.Parse("stop alpha and bravo, then restart them");
        Assert.Equal(
            [new PlanStep(new SystemStopArgs("alpha")), new PlanStep(new SystemStopArgs("bravo")), new PlanStep(new SystemRestartArgs("alpha")), new PlanStep(new SystemRestartArgs("bravo"))],
            plan.Steps);
    }

    [Fact]
    public void It_after_two_systems_in_one_message_is_ambiguous() =>
        Assert.Equal(PlanKind.Clarify, Parser.Parse("stop alpha and bravo, then restart it").Kind);

    [Fact]
    public void A_bare_gated_verb_does_not_borrow_the_context_system() =>
        Assert.Equal(PlanKind.Clarify, Parser.Parse("stop", After(system: "alpha")).Kind);

    [Fact]
    public void Close_it_refers_to_the_last_symbol_of_the_chat() =>
        Assert.Equal(new PlanStep(new PositionCloseArgs("ETHUSDT")), Only(Parser.Parse("close it", After(symbol: "ETHUSDT"))));

    [Fact]
    public void Close_it_without_a_symbol_in_context_asks() =>
        Assert.Equal(PlanKind.Clarify, Parser.Parse("close it", After(system: "alpha")).Kind);

    [Fact]
    public void Price_without_a_coin_uses_the_last_symbol_of_the_chat() =>
        Assert.Equal(new PlanStep(new MarketPriceArgs("SOLUSDT")), Only(Parser.Parse("what's its price?", After(symbol: "SOLUSDT"))));

    [Fact]
    public void Buy_more_of_it_uses_the_last_symbol() =>
        Assert.Equal(new PlanStep(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m)), Only(Parser.Parse("buy 0.1 more of it", After(symbol: "BTCUSDT"))));

    [Fact]
    public void Within_a_message_a_symbol_carries_to_a_later_read_only_step()
    {
        var plan = Parser.Parse("buy 0.1 btc and then show me the price");
        Assert.Equal([new PlanStep(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.1m)), new PlanStep(new MarketPriceArgs("BTCUSDT"))], plan.Steps);
    }

    [Fact]
    public void Is_it_running_asks_the_status_of_the_context_system() =>
        Assert.Equal(new PlanStep(new SystemStatusArgs("database")), Only(Parser.Parse("is it running?", After(system: "database"))));

    [Fact]
    public void A_stale_unknown_system_in_context_is_not_used()
    {
        var plan = Parser.Parse("restart it", After(system: "delta"));
        Assert.Equal(PlanKind.Clarify, plan.Kind);
    }
}
