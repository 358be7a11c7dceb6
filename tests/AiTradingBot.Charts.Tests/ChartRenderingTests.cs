using AiTradingBot.Core.Charts;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Charts.Tests;

/// <summary>Charts rendered by ScottPlot through the core's chart service: size, content, mode and empty periods.</summary>
public sealed class ChartRenderingTests
{
    private const string Line = "#1f77b4";
    private const string Gain = "#2ca02c";
    private const string Loss = "#d62728";
    private const string PaperBadge = "#ff8c00";
    private const string EmptyBox = "#f2f2f2";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_empty_account_draws_a_flat_curve_says_no_trades_and_is_marked_paper()
    {
        await using var host = new ChartTestHost();
        var chart = await host.Charts.RenderAsync(ChartKind.Equity, PnlPeriod.Week, null, Ct);

        var png = PngPixels.Decode(chart.Png);
        Assert.Equal((1000, 500), (png.Width, png.Height));
        Assert.Equal((1000, 500), (chart.Width, chart.Height));
        Assert.True(png.NonBackgroundShare > 0.01, $"only {png.NonBackgroundShare:P2} of the picture is not background");
        Assert.True(png.Near(EmptyBox, 3) > 2000, "the \"no trades in this period\" box is missing");
        Assert.True(png.Near(PaperBadge) > 500, "the PAPER badge is missing");
        Assert.True(png.Near(Line) > 300, "the flat equity line is missing");
        Assert.Contains("no trades in this period", chart.Caption, StringComparison.Ordinal);
        Assert.Contains("PAPER", chart.Caption, StringComparison.Ordinal);
        Assert.False(chart.Mode.Live);
    }

    [Fact]
    public async Task An_empty_pnl_chart_says_no_trades()
    {
        await using var host = new ChartTestHost();
        var chart = await host.Charts.RenderAsync(ChartKind.Pnl, PnlPeriod.Month, null, Ct);

        var png = PngPixels.Decode(chart.Png);
        Assert.True(png.Near(EmptyBox, 3) > 2000, "the \"no trades in this period\" box is missing");
        Assert.True(png.Near(Gain) + png.Near(Loss) < 50, "an empty period must not draw bars");
    }

    [Fact]
    public async Task One_round_trip_draws_the_curve_without_the_empty_box()
    {
        await using var host = new ChartTestHost();
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-5), 100, 110);

        var chart = await host.Charts.RenderAsync(ChartKind.Equity, PnlPeriod.Week, null, Ct);

        var png = PngPixels.Decode(chart.Png);
        Assert.True(png.Near(Line) > 300, "the equity line is missing");
        Assert.True(png.Near(EmptyBox, 3) < 500, "a chart with trades must not say there are none");
        Assert.Contains("2 fill(s)", chart.Caption, StringComparison.Ordinal);
        Assert.Contains("(+9.80)", chart.Caption, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_month_of_wins_and_losses_draws_green_and_red_bars()
    {
        await using var host = new ChartTestHost();
        var start = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        for (var day = 0; day < 23; day++)
            for (var trip = 0; trip < 4; trip++)
                await host.RoundTripAsync(day % 3 == 0 ? "bravo" : "alpha", start.AddDays(day).AddHours(trip * 2), 100, day % 2 == 0 ? 104 : 97);

        var pnl = await host.Charts.RenderAsync(ChartKind.Pnl, PnlPeriod.Month, null, Ct);
        var equity = await host.Charts.RenderAsync(ChartKind.Equity, PnlPeriod.Month, null, Ct);

        var bars = PngPixels.Decode(pnl.Png);
        Assert.True(bars.Near(Gain) > 1000, "winning days are not drawn green");
        Assert.True(bars.Near(Loss) > 1000, "losing days are not drawn red");
        Assert.Contains("184 fill(s)", pnl.Caption, StringComparison.Ordinal);
        var curve = PngPixels.Decode(equity.Png);
        Assert.True(curve.Near(Line) > 1000, "the equity line is missing");
        Assert.True(curve.Colours > 20);
    }

    [Fact]
    public async Task A_system_chart_counts_only_that_systems_fills()
    {
        await using var host = new ChartTestHost();
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-6), 100, 90);
        await host.RoundTripAsync("bravo", ChartTestHost.Now.AddHours(-4), 100, 120);

        var chart = await host.Charts.RenderAsync(ChartKind.Pnl, PnlPeriod.Week, "bravo", Ct);
        var curve = await host.Charts.RenderAsync(ChartKind.Equity, PnlPeriod.Week, "bravo", Ct);

        Assert.StartsWith("📊 bravo: realized PnL per day", chart.Caption, StringComparison.Ordinal);
        Assert.Contains("net +19.80 USDT over 2 fill(s)", chart.Caption, StringComparison.Ordinal);
        var png = PngPixels.Decode(chart.Png);
        Assert.True(png.Near(Gain) > 500, "bravo's winning day is not drawn");
        Assert.True(png.Near(Loss) < 50, "alpha's losing trade leaked into bravo's chart");
        Assert.Contains("0.00 → 19.80", curve.Caption, StringComparison.Ordinal);
        Assert.True(PngPixels.Decode(curve.Png).Near(Line) > 300);
    }

    [Fact]
    public async Task The_configured_size_is_the_pictures_size()
    {
        await using var host = new ChartTestHost(new Dictionary<string, string?> { ["Charts:Width"] = "640", ["Charts:Height"] = "360" });
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-5), 100, 110);

        var chart = await host.Charts.RenderAsync(ChartKind.Pnl, PnlPeriod.Today, null, Ct);

        var png = PngPixels.Decode(chart.Png);
        Assert.Equal((640, 360), (png.Width, png.Height));
        Assert.True(png.NonBackgroundShare > 0.01);
    }

    [Fact]
    public async Task The_same_data_gives_the_same_picture()
    {
        await using var host = new ChartTestHost();
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-5), 100, 110);
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-3), 110, 105);

        var first = await host.Charts.RenderAsync(ChartKind.Equity, PnlPeriod.Week, null, Ct);
        var second = await host.Charts.RenderAsync(ChartKind.Equity, PnlPeriod.Week, null, Ct);

        Assert.Equal(first.Png, second.Png);
    }
}
