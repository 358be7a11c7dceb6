using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Reports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Scheduling.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Unit;

/// <summary>
/// Every report kind through the core's <see cref="ReportBuilder"/> as the scheduled job builds it, composed with the
/// paper exchange, the demo systems and the in-memory fill store: an empty account says so; a large one shows figures
/// per system, open positions, risk events and a 14-day sparkline of the realized PnL.
/// </summary>
public sealed class ReportRenderingTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 18, 12, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Systems:alpha:Container"] = "shortseller_trading",
        ["Systems:bravo:Container"] = "lxalgo_trading",
        ["Systems:charlie:Container"] = "momentum_trading",
        ["Assistant:TimeZone"] = "UTC",
        ["Risk:MaxOrderNotional"] = "5000",
    };

    [Fact]
    public async Task An_empty_account_says_so_plainly_in_every_report()
    {
        await using var host = await SchedulingTestHost.CreateAsync(Settings, time: new ManualTime(Now), start: false);
        var builder = host.Services.GetRequiredService<ReportBuilder>();

        var daily = await builder.BuildAsync(ReportKind.Daily, Ct);
        var sitrep = await builder.BuildAsync(ReportKind.Sitrep, Ct);
        var pnl = await builder.BuildAsync(ReportKind.Pnl, Ct);

        TestContext.Current.TestOutputHelper?.WriteLine(daily.Text);
        Assert.StartsWith("DAILY REPORT", daily.Text);
        Assert.Contains("No trades in this period.", daily.Text);
        Assert.Contains("No open positions", daily.Text);
        Assert.Contains("No risk events in the last 24 h.", daily.Text);
        // No zeros dressed up as data: no figures line, no flat sparkline.
        Assert.DoesNotContain("• Total: realized", daily.Text);
        Assert.DoesNotContain("win rate", daily.Text);
        Assert.DoesNotContain("last 14 days", daily.Text);

        Assert.StartsWith("SITREP REPORT", sitrep.Text);
        foreach (var system in new[] { "alpha", "bravo", "charlie" }) Assert.Contains(system, sitrep.Text);

        Assert.StartsWith("PNL REPORT", pnl.Text);
        Assert.Equal(3, Count(pnl.Text, "No trades in this period."));
        foreach (var period in new[] { "PnL today", "PnL week", "PnL month" }) Assert.Contains(period, pnl.Text);

        foreach (var r in new[] { daily, sitrep, pnl })
        {
            TelegramHtml.AssertValid(r.Html);
            Assert.StartsWith("<b>", r.Html);
        }
    }

    [Fact]
    public async Task A_large_account_shows_figures_per_system_open_positions_risk_events_and_a_14_day_sparkline()
    {
        var time = new ManualTime(Now);
        await using var host = await SchedulingTestHost.CreateAsync(Settings, time: time, start: false);
        var fills = host.Services.GetRequiredService<IFillStore>();
        var builder = host.Services.GetRequiredService<ReportBuilder>();

        // 14 days x 3 bots x 60 round trips (5,040 executions), each closing at a known profit or loss for its day.
        decimal[] perTrip = [1.5m, -0.8m, 0.4m, 2.2m, -1.9m, 0.0m, 0.9m, 3.1m, -0.2m, 1.1m, -2.6m, 0.7m, 1.8m, 0.5m];
        const int trips = 60;
        const decimal fee = 0.05m;
        string[] bots = ["alpha", "bravo", "charlie"];
        var firstDay = new DateTimeOffset(Now.Date.AddDays(-13), TimeSpan.Zero);
        var executions = new List<ExecutionReport>();
        for (var day = 0; day < 14; day++)
            foreach (var bot in bots)
                for (var trip = 0; trip < trips; trip++)
                {
                    var at = firstDay.AddDays(day).AddMinutes(trip * 5 + 1);
                    var id = $"{bot}-{day}-{trip}";
                    executions.Add(new ExecutionReport($"{id}-open", $"{id}-o1", null, bot, "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, 100m, 1m, fee, "USDT", at));
                    executions.Add(new ExecutionReport($"{id}-close", $"{id}-o2", null, bot, "BTCUSDT", OrderCategory.Linear, OrderSide.Sell, 100m + perTrip[day], 1m, fee, "USDT", at.AddMinutes(2), "take profit"));
                }
        foreach (var batch in executions.Chunk(500)) await fills.IngestAsync(batch, Ct);
        var expectedTrend = perTrip.Select(p => bots.Length * trips * (p - 2 * fee)).ToArray();

        // An open position on the paper exchange and a risk denial in the audit log.
        var exchange = host.Services.GetRequiredService<IExchange>();
        var order = await exchange.PlaceOrderAsync(new OrderRequest("alpha-manual-1", "alpha", "ETHUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Market, 0.5m), Ct);
        Assert.True(order.Accepted, order.RejectReason);
        var openFee = (await fills.QueryAsync(new FillQuery(Symbol: "ETHUSDT"), Ct)).Sum(f => f.Fee);
        expectedTrend[^1] -= openFee;
        var denied = await host.Services.GetRequiredService<IAssistant>().HandleAsync(
            new IncomingMessage("cli", "local", new Principal("local:test", "test", UserRole.Admin), "buy 1000 btc"), Ct);
        Assert.Equal(ReplyKind.Refused, denied.Kind);

        var daily = await builder.BuildAsync(ReportKind.Daily, Ct);
        var pnl = await builder.BuildAsync(ReportKind.Pnl, Ct);

        Assert.Contains($"Realized PnL, last 14 days: {Sparkline.Of(expectedTrend)}", daily.Text);
        Assert.Equal(14, Sparkline.Of(expectedTrend).Length);
        Assert.Contains("▁", Sparkline.Of(expectedTrend));
        Assert.Contains("█", Sparkline.Of(expectedTrend));
        foreach (var bot in bots) Assert.Contains($"• {bot}: realized", daily.Text);
        Assert.Contains("win rate", daily.Text);
        Assert.Contains("ETHUSDT", daily.Text);
        Assert.DoesNotContain("No open positions", daily.Text);
        Assert.Contains("Risk events in the last 24 h: 1 refusal(s)", daily.Text);
        Assert.DoesNotContain("No trades in this period.", daily.Text);

        Assert.Equal(0, Count(pnl.Text, "No trades in this period."));
        Assert.Equal(3, Count(pnl.Text, "• Total: realized"));
        TelegramHtml.AssertValid(daily.Html);
        TelegramHtml.AssertValid(pnl.Html);
    }

    [Fact]
    public void The_late_note_names_the_scheduled_time_in_the_schedule_zone_with_the_date_when_it_was_another_day()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var scheduled = new DateTimeOffset(2025, 6, 18, 6, 0, 0, TimeSpan.Zero); // 08:00 in Berlin (CEST)

        Assert.Equal("⏰ late: scheduled for 08:00 (Europe/Berlin)", Reports.ReportJob.LateNote(scheduled, scheduled.AddHours(2), berlin));
        Assert.Equal("⏰ late: scheduled for 2025-06-18 08:00 (Europe/Berlin)", Reports.ReportJob.LateNote(scheduled, scheduled.AddHours(20), berlin));
    }

    private static int Count(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}
