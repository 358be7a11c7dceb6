using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Llm.Context;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AiTradingBot.Llm.Tests;

/// <summary>Per-chat context is bounded by turns and tokens and keeps what was referred to.</summary>
public sealed class ConversationMemoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ContextTurn Turn(string user, string outcome = "no action") => new(user, outcome, [], [], DateTimeOffset.UnixEpoch);

    [Fact]
    public void Only_the_newest_turns_within_the_count_are_kept()
    {
        var turns = Enumerable.Range(1, 10).Select(i => Turn($"message {i}")).ToList();
        var kept = ConversationMemory.Trim(turns, maxTurns: 3, maxTokens: 10_000);
        Assert.Equal(["message 8", "message 9", "message 10"], kept.Select(t => t.User));
    }

    [Fact]
    public void Old_turns_are_dropped_to_fit_the_token_budget()
    {
        var turns = new List<ContextTurn> { Turn(new string('a', 400)), Turn(new string('b', 400)), Turn("short") };
        var kept = ConversationMemory.Trim(turns, maxTurns: 10, maxTokens: 150);
        Assert.Equal([new string('b', 400), "short"], kept.Select(t => t.User));
        Assert.True(kept.Sum(t => ConversationMemory.Tokens(t.User) + ConversationMemory.Tokens(t.Outcome) + 4) <= 150);
    }

    [Fact]
    public void The_newest_turn_is_cut_rather_than_lost_when_it_alone_exceeds_the_budget()
    {
        var kept = ConversationMemory.Trim([Turn(new string('x', 10_000))], maxTurns: 5, maxTokens: 100);
        var only = Assert.Single(kept);
        Assert.True(only.User.Length <= 201);
    }

    [Fact]
    public async Task A_turn_remembers_the_systems_and_symbols_its_plan_names()
    {
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var memory = new ConversationMemory(store, new LlmOptions(), TimeProvider.System, NullLogger<ConversationMemory>.Instance);
        var plan = Plan.Of("stop alpha and close my eth", new PlanStep(new SystemStopArgs("alpha")), new PlanStep(new PositionCloseArgs("ETHUSDT")), new PlanStep(new SystemStatusArgs("all")));

        await memory.RecordAsync("c1", [], memory.TurnFor(plan.Input, plan), Ct);
        var turn = Assert.Single(await memory.LoadAsync("c1", Ct));

        Assert.Equal(["alpha"], turn.Systems);
        Assert.Equal(["ETHUSDT"], turn.Symbols);
        Assert.StartsWith("proposed: system.stop {\"system\":\"alpha\"}; position.close", turn.Outcome);
        Assert.Empty(await memory.LoadAsync("other-chat", Ct));
    }

    [Fact]
    public async Task A_corrupt_entry_is_dropped_not_fatal()
    {
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        await store.SetAsync(ConversationMemory.KeyFor("c1"), "{not json", null, Ct);
        var memory = new ConversationMemory(store, new LlmOptions(), TimeProvider.System, NullLogger<ConversationMemory>.Instance);
        Assert.Empty(await memory.LoadAsync("c1", Ct));
    }
}
