using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>Chart phrases and /chart become portfolio.chart; chart words next to another instruction never swallow it.</summary>
public sealed class ChartPhraseTests
{
    private static readonly OfflineParser Parser = new(SystemRegistry.Default);
    private static readonly SlashCommandParser Slash = new(SystemRegistry.Default);

    [Theory]
    [InlineData("chart my equity this week", ChartKind.Equity, PnlPeriod.Week, null)]
    [InlineData("pnl chart for this month", ChartKind.Pnl, PnlPeriod.Month, null)]
    [InlineData("plot bravo's pnl", ChartKind.Pnl, PnlPeriod.Week, "bravo")]
    [InlineData("Chart my equity", ChartKind.Equity, PnlPeriod.Week, null)]
    [InlineData("show me the equity curve", ChartKind.Equity, PnlPeriod.Week, null)]
    [InlineData("graph of my profit today", ChartKind.Pnl, PnlPeriod.Today, null)]
    [InlineData("can you plot the pnl per day for this month?", ChartKind.Pnl, PnlPeriod.Month, null)]
    [InlineData("draw alpha's equity for all time", ChartKind.Equity, PnlPeriod.All, "alpha")]
    [InlineData("p&l chart yesterday", ChartKind.Pnl, PnlPeriod.Yesterday, null)]
    [InlineData("plot lxalgo pnl this week please", ChartKind.Pnl, PnlPeriod.Week, "bravo")]
    [InlineData("chart pnl for all systems this month", ChartKind.Pnl, PnlPeriod.Month, null)]
    public void A_chart_phrase_is_a_chart(string text, ChartKind kind, PnlPeriod period, string? system)
    {
        var plan = Parser.Parse(text);

        Assert.Equal(PlanKind.Plan, plan.Kind);
        Assert.False(plan.Confirm);
        var step = Assert.Single(plan.Steps);
        Assert.Equal(new PortfolioChartArgs(kind, period, system), step.Args);
        Assert.Equal("portfolio.chart", step.Action);
    }

    [Fact]
    public void A_chart_phrase_never_swallows_another_instruction()
    {
        var plan = Parser.Parse("stop alpha and plot its pnl");

        Assert.Contains(plan.Steps, s => s.Args is SystemStopArgs { System: "alpha" });
    }

    [Theory]
    [InlineData("don't chart my equity")]
    [InlineData("chart 5 btc")]
    [InlineData("buy btc and chart my equity")]
    [InlineData("what would my equity chart look like if I bought btc?")]
    public void Chart_words_with_a_negation_a_number_or_an_order_are_not_a_chart(string text)
    {
        var plan = Parser.Parse(text);

        Assert.DoesNotContain(plan.Steps, s => s.Args is PortfolioChartArgs);
    }

    [Theory]
    [InlineData("/chart", ChartKind.Equity, PnlPeriod.Week, null)]
    [InlineData("/chart pnl", ChartKind.Pnl, PnlPeriod.Week, null)]
    [InlineData("/chart equity month", ChartKind.Equity, PnlPeriod.Month, null)]
    [InlineData("/chart pnl today bravo", ChartKind.Pnl, PnlPeriod.Today, "bravo")]
    [InlineData("/chart all pnl", ChartKind.Pnl, PnlPeriod.All, null)]
    public void Slash_chart(string text, ChartKind kind, PnlPeriod period, string? system)
    {
        var plan = Slash.Parse(text);

        var step = Assert.Single(plan.Steps);
        Assert.Equal(new PortfolioChartArgs(kind, period, system), step.Args);
    }

    [Theory]
    [InlineData("/chart candles")]
    [InlineData("/chart pnl week month extra")]
    public void Slash_chart_with_wrong_arguments_gives_the_usage(string text)
    {
        var plan = Slash.Parse(text);

        Assert.Equal(PlanKind.Clarify, plan.Kind);
        Assert.Contains("/chart [equity|pnl]", plan.Clarify, StringComparison.Ordinal);
    }
}
