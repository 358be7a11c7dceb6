using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>Asking for the dashboard in words is /web (dashboard.link); dashboard words next to anything else are not.</summary>
public sealed class DashboardPhraseTests
{
    private static readonly OfflineParser Parser = new(SystemRegistry.Default);
    private static readonly SlashCommandParser Slash = new(SystemRegistry.Default);

    [Theory]
    [InlineData("open the dashboard")]
    [InlineData("Open the dashboard please")]
    [InlineData("dashboard link")]
    [InlineData("give me the web link")]
    [InlineData("send me a link to the dashboard")]
    [InlineData("can you give me the dashboard link?")]
    [InlineData("how do I open the web ui?")]
    [InlineData("web dashboard url")]
    [InlineData("I need a new sign-in link")]
    [InlineData("login link for the dashboard")]
    [InlineData("access the web interface")]
    public void A_request_for_the_dashboard_is_the_web_command(string text)
    {
        var plan = Parser.Parse(text);

        Assert.Equal(PlanKind.Plan, plan.Kind);
        Assert.False(plan.Confirm);
        var step = Assert.Single(plan.Steps);
        Assert.Equal("dashboard.link", step.Action);
        Assert.Equal(Slash.Parse("/web")!.Steps.Single().Args, step.Args);
    }

    [Theory]
    [InlineData("dashboard")]
    [InlineData("show me the dashboard")]
    public void The_dashboard_word_alone_stays_the_fleet_overview(string text)
    {
        var step = Assert.Single(Parser.Parse(text).Steps);

        Assert.Equal(new SystemStatusArgs("all"), step.Args);
    }

    [Theory]
    [InlineData("don't open the dashboard")]
    [InlineData("open the dashboard and stop alpha")]
    [InlineData("web")]
    [InlineData("link")]
    [InlineData("open a long on btc")]
    [InlineData("buy 1 link")]
    [InlineData("what would the dashboard link do if I sold btc?")]
    public void Dashboard_words_with_other_instructions_or_alone_are_not_a_link_request(string text)
    {
        var plan = Parser.Parse(text);

        Assert.DoesNotContain(plan.Steps, s => s.Args is DashboardLinkArgs);
    }

    [Fact]
    public void Another_instruction_next_to_the_dashboard_is_kept()
    {
        var plan = Parser.Parse("open the dashboard and stop alpha");

        Assert.Contains(plan.Steps, s => s.Args is SystemStopArgs { System: "alpha" });
    }
}
