using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

public sealed class InterpreterChainTests
{
    /// <summary>A scripted stand-in for a language model (a unit-test fake; the real client has its own tests).</summary>
    private sealed class ScriptedModel(LanguageModelMode mode, Func<InterpretRequest, Plan> answer) : ILanguageModelInterpreter
    {
        public int Calls { get; private set; }
        public LanguageModelMode Mode => mode;
        public string Description => "scripted";

        public ValueTask<Plan> InterpretAsync(InterpretRequest request, CancellationToken ct)
        {
            Calls++;
            return ValueTask.FromResult(answer(request));
        }
    }

    private static readonly CancellationToken Ct = CancellationToken.None;

    private static Plan ModelStops(InterpretRequest r) => Plan.Of(r.Text, new PlanStep(new SystemStopArgs("charlie")));

    private static ValueTask<Plan> Ask(InterpreterChain chain, string text) => chain.InterpretAsync(new InterpretRequest(text, ConversationContext.Empty), Ct);

    [Fact]
    public async Task Slash_commands_go_to_the_slash_parser_and_never_to_the_model()
    {
        var model = new ScriptedModel(LanguageModelMode.Primary, ModelStops);
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, model), "/terminate alpha");
        Assert.Equal([new PlanStep(new SystemStopArgs("alpha"))], plan.Steps);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task Without_a_model_free_text_goes_to_the_offline_parser()
    {
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default), "stop alpha");
        Assert.Equal([new PlanStep(new SystemStopArgs("alpha"))], plan.Steps);
    }

    [Fact]
    public async Task Primary_mode_asks_the_model_first()
    {
        var model = new ScriptedModel(LanguageModelMode.Primary, ModelStops);
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, model), "stop alpha");
        Assert.Equal([new PlanStep(new SystemStopArgs("charlie"))], plan.Steps);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task Primary_mode_falls_back_to_the_offline_result_when_the_model_throws()
    {
        var model = new ScriptedModel(LanguageModelMode.Primary, _ => throw new HttpRequestException("model down"));
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, model), "stop alpha");
        Assert.Equal([new PlanStep(new SystemStopArgs("alpha"))], plan.Steps);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task A_model_timeout_is_a_failure_not_a_cancellation_of_the_caller()
    {
        var model = new ScriptedModel(LanguageModelMode.Primary, _ => throw new TaskCanceledException("timeout"));
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, model), "balance");
        Assert.Equal([new PlanStep(new PortfolioBalanceArgs())], plan.Steps);
    }

    [Fact]
    public async Task Fallback_mode_keeps_an_offline_plan_without_asking_the_model()
    {
        var model = new ScriptedModel(LanguageModelMode.Fallback, ModelStops);
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, model), "stop alpha");
        Assert.Equal([new PlanStep(new SystemStopArgs("alpha"))], plan.Steps);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task Fallback_mode_asks_the_model_when_the_offline_parser_could_not_plan()
    {
        var model = new ScriptedModel(LanguageModelMode.Fallback, r => Plan.Of(r.Text, new PlanStep(new PortfolioBalanceArgs())));
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, model), "yo what's in the piggy bank");
        Assert.Equal([new PlanStep(new PortfolioBalanceArgs())], plan.Steps);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task Fallback_mode_keeps_the_offline_question_when_the_model_fails_or_has_nothing()
    {
        var failing = new ScriptedModel(LanguageModelMode.Fallback, _ => throw new InvalidOperationException("bad json"));
        Assert.Equal(PlanKind.Clarify, (await Ask(new InterpreterChain(SystemRegistry.Default, failing), "restart")).Kind);
        var empty = new ScriptedModel(LanguageModelMode.Fallback, r => Plan.Nothing(r.Text));
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, empty), "restart");
        Assert.Equal(PlanKind.Clarify, plan.Kind);
        Assert.Equal(1, empty.Calls);
    }

    [Theory]
    [InlineData(LanguageModelMode.Primary)]
    [InlineData(LanguageModelMode.Fallback)]
    public async Task Negations_and_hypotheticals_never_reach_the_model(LanguageModelMode mode)
    {
        var model = new ScriptedModel(mode, ModelStops);
        var chain = new InterpreterChain(SystemRegistry.Default, model);
        foreach (var text in new[] { "don't stop charlie", "what if I stopped charlie?", "should I stop charlie?", "did you stop charlie?" })
        {
            var plan = await Ask(chain, text);
            Assert.Equal(PlanKind.None, plan.Kind);
        }
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task A_model_in_off_mode_is_never_asked()
    {
        var model = new ScriptedModel(LanguageModelMode.Off, ModelStops);
        var plan = await Ask(new InterpreterChain(SystemRegistry.Default, model), "hello there friend");
        Assert.Equal(PlanKind.None, plan.Kind);
        Assert.Equal(0, model.Calls);
    }

    [Fact]
    public async Task The_callers_cancellation_is_honoured()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var model = new ScriptedModel(LanguageModelMode.Primary, _ => throw new OperationCanceledException(cts.Token));
        var chain = new InterpreterChain(SystemRegistry.Default, model);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => chain.InterpretAsync(InterpretRequest.Of("stop alpha"), cts.Token).AsTask());
    }
}
