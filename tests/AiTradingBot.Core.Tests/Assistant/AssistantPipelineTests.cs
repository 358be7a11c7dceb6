using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Tests.Support;
using Xunit;

namespace AiTradingBot.Core.Tests.Assistant;

public sealed class AssistantPipelineTests : IAsyncLifetime
{
    private CoreTestHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = new CoreTestHost(new Dictionary<string, string?> { ["Bybit:ApiSecret"] = "s3cr3t-value-never-shown" });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<bool> AlphaRunning() => (await _host.Runtime.InspectAsync("shortseller_trading", CancellationToken.None)).Running;

    private async Task<IReadOnlyList<AuditRecord>> Audit() => await _host.Get<IAuditLog>().ReadRecentAsync(100, CancellationToken.None);

    [Fact]
    public async Task Stop_is_held_until_the_same_user_confirms()
    {
        var reply = await _host.SayAsync("stop alpha");
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
        Assert.Equal(3, reply.ExitCode);
        Assert.True(await AlphaRunning());

        Assert.Equal(ReplyKind.NotYours, (await _host.ConfirmAsync(reply.Card!.Id, CoreTestHost.OtherAdmin)).Kind);
        Assert.True(await AlphaRunning());

        var done = await _host.ConfirmAsync(reply.Card.Id);
        Assert.Equal(ReplyKind.Done, done.Kind);
        Assert.False(await AlphaRunning());
        Assert.Contains(await Audit(), a => a.Decision == AuditDecision.Confirmed && a.ConfirmationId == reply.Card.Id);
    }

    [Fact]
    public async Task A_confirmation_from_another_chat_is_refused()
    {
        var reply = await _host.SayAsync("stop alpha", chat: "group-a");
        Assert.Equal(ReplyKind.NotYours, (await _host.ConfirmAsync(reply.Card!.Id, chat: "group-b")).Kind);
        Assert.True(await AlphaRunning());
    }

    [Fact]
    public async Task An_expired_confirmation_changes_nothing_and_says_to_send_again()
    {
        var reply = await _host.SayAsync("stop alpha");
        _host.Time.Advance(TimeSpan.FromMinutes(3));
        var late = await _host.ConfirmAsync(reply.Card!.Id);
        Assert.Equal(ReplyKind.Expired, late.Kind);
        Assert.Contains("send the command again", late.Messages[0]);
        Assert.True(await AlphaRunning());
        Assert.Contains(await Audit(), a => a.Decision == AuditDecision.Expired);
    }

    [Fact]
    public async Task A_double_press_runs_once()
    {
        var reply = await _host.SayAsync("buy 0.01 btc");
        Assert.Equal(ReplyKind.Done, (await _host.ConfirmAsync(reply.Card!.Id)).Kind);
        Assert.Equal(ReplyKind.AlreadyHandled, (await _host.ConfirmAsync(reply.Card.Id)).Kind);
        Assert.Equal(0.01m, Assert.Single(await _host.Get<IExchange>().GetPositionsAsync(null, CancellationToken.None)).Qty);
    }

    [Fact]
    public async Task One_hundred_concurrent_confirmations_execute_exactly_once()
    {
        var reply = await _host.SayAsync("buy 0.01 btc");
        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => _host.ConfirmAsync(reply.Card!.Id))));
        Assert.Equal(1, replies.Count(r => r.Kind == ReplyKind.Done));
        Assert.Equal(0.01m, Assert.Single(await _host.Get<IExchange>().GetPositionsAsync(null, CancellationToken.None)).Qty);
    }

    [Fact]
    public async Task A_stranger_is_denied_audited_and_told_nothing()
    {
        var reply = await _host.SayAsync("sitrep", CoreTestHost.Stranger);
        Assert.Equal(ReplyKind.AccessDenied, reply.Kind);
        Assert.Null(reply.Outcome);
        Assert.Equal("ACCESS DENIED", new ReplyRenderer(PlainMarkup.Instance).Render(reply));
        var record = (await Audit())[0];
        Assert.Equal(("666", "mallory", "sitrep", AuditDecision.Refused), (record.UserId, record.UserName, record.Text, record.Decision));
    }

    [Fact]
    public async Task A_stranger_pressing_the_admins_confirm_is_denied_and_the_admin_can_still_confirm()
    {
        var reply = await _host.SayAsync("stop alpha");
        Assert.Equal(ReplyKind.AccessDenied, (await _host.ConfirmAsync(reply.Card!.Id, CoreTestHost.Stranger)).Kind);
        Assert.True(await AlphaRunning());
        Assert.Equal(ReplyKind.Done, (await _host.ConfirmAsync(reply.Card.Id)).Kind);
    }

    [Fact]
    public async Task A_viewer_may_read_but_not_change_state()
    {
        Assert.Equal(ReplyKind.Done, (await _host.SayAsync("sitrep", CoreTestHost.Viewer)).Kind);
        var refused = await _host.SayAsync("stop alpha", CoreTestHost.Viewer);
        Assert.Equal(ReplyKind.Refused, refused.Kind);
        Assert.Null(refused.Card);
    }

    [Fact]
    public async Task A_risk_deny_is_final_and_offers_no_confirmation()
    {
        var reply = await _host.SayAsync("buy 1 btc");
        Assert.Equal(ReplyKind.Refused, reply.Kind);
        Assert.Null(reply.Card);
        Assert.Equal(4, reply.ExitCode);
        Assert.Contains(reply.Messages, m => m.Contains("Risk:MaxOrderNotional"));
    }

    [Fact]
    public async Task Read_only_steps_after_a_gated_step_wait_and_then_run_in_order()
    {
        var reply = await _host.SayAsync("stop alpha and show me the last 100 lines");
        Assert.Null(reply.Outcome);
        Assert.Equal(["system.stop", "system.logs"], reply.Card!.Lines.Select(l => l.Action));
        var done = await _host.ConfirmAsync(reply.Card.Id);
        Assert.Equal([typeof(ContainerActionsResult), typeof(LogsResult)], done.Outcome!.Steps.Select(s => s.Result!.GetType()));
    }

    [Fact]
    public async Task Read_only_steps_before_the_first_gated_step_run_at_once()
    {
        var reply = await _host.SayAsync("show my balance and stop alpha");
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
        Assert.IsType<BalanceResult>(Assert.Single(reply.Outcome!.Steps).Result);
        Assert.Equal("system.stop", Assert.Single(reply.Card!.Lines).Action);
    }

    [Fact]
    public async Task Killswitch_latches_a_halt_that_only_resume_clears()
    {
        await _host.ConfirmAsync((await _host.SayAsync("buy 0.01 btc")).Card!.Id);
        var kill = await _host.SayAsync("/killswitch CONFIRM");
        Assert.Equal(ReplyKind.Done, kill.Kind);
        var result = Assert.IsType<KillswitchResult>(kill.Outcome!.Steps[0].Result);
        Assert.True(result.Halted);
        Assert.False(await AlphaRunning());

        var buy = await _host.SayAsync("buy 0.01 btc");
        Assert.Equal(ReplyKind.Refused, buy.Kind);
        Assert.Contains("halted", buy.Messages[0]);
        var close = await _host.SayAsync("close all positions");
        Assert.Equal(ReplyKind.AwaitingConfirmation, close.Kind);

        await _host.ConfirmAsync((await _host.SayAsync("/resume")).Card!.Id);
        Assert.Equal(ReplyKind.AwaitingConfirmation, (await _host.SayAsync("buy 0.01 btc")).Kind);
    }

    [Fact]
    public async Task The_killswitch_without_confirm_waits_like_any_gated_plan()
    {
        var reply = await _host.SayAsync("/killswitch");
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
        Assert.True(await AlphaRunning());
    }

    [Fact]
    public async Task Risk_is_checked_again_at_confirmation()
    {
        var buy = await _host.SayAsync("buy 0.01 btc");
        await _host.SayAsync("/killswitch CONFIRM");
        var late = await _host.ConfirmAsync(buy.Card!.Id);
        Assert.Equal(ReplyKind.Refused, late.Kind);
        Assert.Empty(await _host.Get<IExchange>().GetPositionsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Pronouns_resolve_against_the_chats_recent_system()
    {
        await _host.SayAsync("show me the logs of bravo");
        var reply = await _host.SayAsync("restart it");
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
        Assert.Equal(new SystemRestartArgs("bravo"), reply.Card!.Steps[0].Args);
    }

    [Fact]
    public async Task Questions_back_and_chit_chat_do_nothing()
    {
        var clarify = await _host.SayAsync("stop");
        Assert.Equal(ReplyKind.Clarify, clarify.Kind);
        Assert.Equal(2, clarify.ExitCode);
        Assert.Equal(ReplyKind.Nothing, (await _host.SayAsync("don't stop alpha")).Kind);
        Assert.True(await AlphaRunning());
    }

    [Fact]
    public async Task Secrets_never_reach_the_audit_log()
    {
        await _host.SayAsync("my key is s3cr3t-value-never-shown, buy 0.01 btc");
        var records = await Audit();
        Assert.NotEmpty(records);
        Assert.DoesNotContain(records, r => r.Text.Contains("s3cr3t-value-never-shown") || (r.PlanJson ?? "").Contains("s3cr3t-value-never-shown"));
    }

    [Fact]
    public async Task Every_decision_is_audited()
    {
        await _host.SayAsync("sitrep");
        var pending = await _host.SayAsync("stop alpha");
        await _host.CancelAsync(pending.Card!.Id);
        await _host.SayAsync("buy 1 btc");
        var decisions = (await Audit()).Select(a => a.Decision).ToList();
        Assert.Contains(AuditDecision.Executed, decisions);
        Assert.Contains(AuditDecision.Awaiting, decisions);
        Assert.Contains(AuditDecision.Cancelled, decisions);
        Assert.Contains(AuditDecision.Refused, decisions);
    }

    [Fact]
    public async Task The_confirmation_card_shows_mode_notional_and_rounded_size()
    {
        var reply = await _host.SayAsync("buy $1000 of eth");
        var card = reply.Card!;
        Assert.Equal("PAPER · DEMO systems", card.ModeLabel);
        Assert.Contains("sends exactly 0.33 ETHUSDT", card.Lines[0].Text);
        Assert.Equal(990m, card.EstimatedNotional);
        Assert.Contains("CONFIRM [PAPER", new ReplyRenderer(PlainMarkup.Instance, _host.Time).RenderCard(card));
    }

    [Fact]
    public async Task A_failed_step_stops_the_plan_and_later_steps_are_skipped()
    {
        await _host.ConfirmAsync((await _host.SayAsync("stop alpha")).Card!.Id);
        var plan = await _host.SayAsync("run the health check on alpha and show me its logs");
        var done = await _host.ConfirmAsync(plan.Card!.Id);
        Assert.Equal(ReplyKind.Done, done.Kind);
        Assert.Equal(1, done.ExitCode);
        Assert.Equal([StepStatus.Failed, StepStatus.Skipped], done.Outcome!.Steps.Select(s => s.Status));
        Assert.Contains("not running", done.Outcome.Steps[0].Error);
        var text = new ReplyRenderer(PlainMarkup.Instance).Render(done);
        Assert.Contains("FAILED", text);
        Assert.Contains("Skipped", text);
    }
}
