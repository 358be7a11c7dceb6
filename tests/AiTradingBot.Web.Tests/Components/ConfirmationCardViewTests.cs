using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Web.Components.Shared;
using Bunit;
using Xunit;

namespace AiTradingBot.Web.Tests.Components;

/// <summary>The confirmation card: typed lines as text, buttons only for the asking admin, one press at a time.</summary>
public sealed class ConfirmationCardViewTests : MudContext
{
    private static ConfirmationCard Card(string text = "REBOOT (restart) bravo", IReadOnlyList<string>? warnings = null) =>
        new("K7Q2M9XA", [new PlanStep(new SystemRestartArgs("bravo"))], [new CardLine("system.restart", text, true, 12.5m)], "PAPER", 12.5m, warnings ?? [], DateTimeOffset.UtcNow.AddMinutes(2));

    [Fact]
    public void Shows_each_step_mode_notional_and_warnings()
    {
        var cut = Render<ConfirmationCardView>(p => p.Add(c => c.Card, Card(warnings: ["Close to the daily loss limit."])).Add(c => c.CanConfirm, true));
        Assert.Equal("K7Q2M9XA", cut.Find("[data-testid=card]").GetAttribute("data-card"));
        Assert.Contains("REBOOT (restart) bravo", cut.Find("ol.steps li").TextContent);
        Assert.Contains("PAPER", cut.Find(".badge").TextContent);
        Assert.Contains("12.50", cut.Markup);
        Assert.Contains("Close to the daily loss limit.", cut.Find(".warning").TextContent);
    }

    [Fact]
    public void Step_text_is_rendered_as_text_never_as_markup()
    {
        var cut = Render<ConfirmationCardView>(p => p.Add(c => c.Card, Card("<img src=x onerror=alert(1)> bravo")).Add(c => c.CanConfirm, true));
        Assert.Empty(cut.FindAll("img"));
        Assert.Contains("<img src=x onerror=alert(1)> bravo", cut.Find("ol.steps li").TextContent);
    }

    [Fact]
    public void Someone_who_may_not_confirm_gets_no_buttons()
    {
        var cut = Render<ConfirmationCardView>(p => p.Add(c => c.Card, Card()).Add(c => c.CanConfirm, false));
        Assert.Empty(cut.FindAll("[data-testid=confirm]"));
        Assert.Empty(cut.FindAll("[data-testid=cancel]"));
        Assert.Contains("Only the person who asked", cut.Markup);
    }

    [Fact]
    public void Confirm_and_cancel_report_the_card_id()
    {
        var confirmed = new List<string>();
        var cancelled = new List<string>();
        var cut = Render<ConfirmationCardView>(p => p.Add(c => c.Card, Card()).Add(c => c.CanConfirm, true)
            .Add(c => c.OnConfirm, id => confirmed.Add(id)).Add(c => c.OnCancel, id => cancelled.Add(id)));
        cut.Find("[data-testid=confirm]").Click();
        cut.Find("[data-testid=cancel]").Click();
        Assert.Equal(["K7Q2M9XA"], confirmed);
        Assert.Equal(["K7Q2M9XA"], cancelled);
    }

    [Fact]
    public async Task A_second_press_while_the_first_runs_is_ignored()
    {
        var release = new TaskCompletionSource();
        var presses = 0;
        var cut = Render<ConfirmationCardView>(p => p.Add(c => c.Card, Card()).Add(c => c.CanConfirm, true)
            .Add(c => c.OnConfirm, async (string _) => { presses++; await release.Task; }));
        var first = cut.Find("[data-testid=confirm]").ClickAsync(new());
        Assert.True(cut.Find("[data-testid=confirm]").HasAttribute("disabled"));
        release.SetResult();
        await first;
        Assert.Equal(1, presses);
        Assert.False(cut.Find("[data-testid=confirm]").HasAttribute("disabled"));
    }
}
