using AiTradingBot.Core.Charts;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Charts.Tests;

/// <summary>The figures behind the pictures: equity walked back from the wallet, PnL per local day net of fees.</summary>
public sealed class ChartDataBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Equity_steps_at_each_fill_and_ends_at_the_wallets_equity()
    {
        await using var host = new ChartTestHost();
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-5), 100, 110);

        var data = await host.Get<ChartDataBuilder>().BuildAsync(ChartKind.Equity, PnlPeriod.Week, null, Ct);

        Assert.Equal(2, data.Fills);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), data.From);
        Assert.Equal(4, data.Equity.Count);
        var wallet = await host.Get<Core.Ports.IExchange>().GetWalletAsync(Ct);
        Assert.Equal(wallet.Equity, data.Equity[^1].Equity);
        Assert.Equal(wallet.Equity - 9.8m, data.Equity[0].Equity);
        Assert.Equal(data.Equity[0].Equity - 0.1m, data.Equity[1].Equity);
    }

    [Fact]
    public async Task Pnl_has_one_bar_per_local_day_net_of_fees()
    {
        await using var host = new ChartTestHost(new Dictionary<string, string?> { ["Assistant:TimeZone"] = "Europe/Berlin" });
        // 23:10 UTC on Sunday the 22nd is 00:10 on Monday the 23rd in Berlin: in this week, on Monday.
        await host.RoundTripAsync("alpha", new DateTimeOffset(2026, 11, 22, 23, 10, 0, TimeSpan.Zero), 100, 105);
        // 22:30 UTC on the 22nd is still Sunday in Berlin: last week, left out.
        await host.FillAsync("alpha", OrderSide.Buy, 100, 1, new DateTimeOffset(2026, 11, 22, 22, 30, 0, TimeSpan.Zero));

        var data = await host.Get<ChartDataBuilder>().BuildAsync(ChartKind.Pnl, PnlPeriod.Week, null, Ct);

        Assert.Equal(Enumerable.Range(23, 7).Select(d => new DateOnly(2026, 11, d)), data.Days.Select(d => d.Day));
        Assert.Equal(4.8m, data.Days[0].NetPnl);
        Assert.Equal(0, data.Days[1].Fills);
        Assert.Equal("Day (Europe/Berlin)", data.XLabel);
    }

    [Fact]
    public async Task Yesterday_leaves_out_todays_fills_and_todays_day()
    {
        await using var host = new ChartTestHost();
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddDays(-1), 100, 101);
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-3), 100, 150);

        var pnl = await host.Get<ChartDataBuilder>().BuildAsync(ChartKind.Pnl, PnlPeriod.Yesterday, null, Ct);
        var equity = await host.Get<ChartDataBuilder>().BuildAsync(ChartKind.Equity, PnlPeriod.Yesterday, null, Ct);

        Assert.Equal([new DateOnly(2026, 11, 23)], pnl.Days.Select(d => d.Day));
        Assert.Equal(0.8m, pnl.Days[0].NetPnl);
        Assert.Equal(2, equity.Fills);
        // Yesterday ended before today's +49.80: its last point is the realized balance at midnight.
        Assert.Equal(equity.Equity[0].Equity + 0.8m, equity.Equity[^1].Equity);
    }

    [Fact]
    public async Task A_system_curve_is_its_cumulative_net_pnl_from_zero()
    {
        await using var host = new ChartTestHost();
        await host.RoundTripAsync("alpha", ChartTestHost.Now.AddHours(-6), 100, 90);
        await host.RoundTripAsync("bravo", ChartTestHost.Now.AddHours(-4), 100, 120);

        var data = await host.Get<ChartDataBuilder>().BuildAsync(ChartKind.Equity, PnlPeriod.All, "bravo", Ct);

        Assert.Equal(2, data.Fills);
        Assert.Equal(0m, data.Equity[0].Equity);
        Assert.Equal(19.8m, data.Equity[^1].Equity);
        Assert.Equal("Net PnL (USDT)", data.YLabel);
        Assert.Contains("bravo", data.Title, StringComparison.Ordinal);
        Assert.EndsWith("PAPER", data.Title, StringComparison.Ordinal);
    }
}
