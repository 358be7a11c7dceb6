using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>One value of every step result type, with hostile text (&lt;, &amp;, &gt;) wherever text is dynamic.</summary>
public static class Samples
{
    /// <summary>Text that must be escaped.</summary>
    public const string Hostile = "<b>x</b> & <script>\"y\"</script>";

    private static readonly DateTimeOffset T = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly ExchangeMode Paper = new(false, "paper", "local");

    /// <summary>Every result, keyed by its type.</summary>
    public static IReadOnlyList<StepResult> AllResults()
    {
        var order = new OrderRequest("manual-x-1", "manual", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Limit, 0.1m, 45000m, new OrderTrigger(44000m, TriggerDirection.Below));
        var container = new ContainerInfo("alpha_" + Hostile, "abc", "running", true, "healthy", 0, T, null, null, false, "img:1", new Dictionary<string, string>(), "no");
        return
        [
            new SystemsReportResult(false, [
                new SystemReport("alpha", "shortseller_trading", SystemRole.Trading, "running", true, TimeSpan.FromHours(5), "healthy", 0, null, 1.5, 1 << 20, 1 << 30, null),
                new SystemReport("bravo", "lxalgo<trading>", SystemRole.Trading, "exited", false, null, null, 3, 137, null, null, null, null),
                new SystemReport("cache", "redis", SystemRole.Infrastructure, "?", false, null, null, null, null, null, null, null, "socket error: " + Hostile),
            ], true),
            new LogsResult("alpha", "shortseller_trading", [new LogLine(LogStream.Stdout, "tick <1> & " + Hostile, T), new LogLine(LogStream.Stderr, "err & <oops>")], 50, "<tick>", "10m", false),
            new ContainerActionsResult("stop", [new ContainerActionOutcome("alpha", "a&b", ContainerOutcome.Done, null, TimeSpan.FromSeconds(2)), new ContainerActionOutcome("bravo", "b", ContainerOutcome.Failed, Hostile, TimeSpan.Zero)], false),
            new ExecStepResult("alpha", "status<1>", 0, "line1 & <two>\n" + Hostile, true),
            new KillswitchResult([new ContainerActionOutcome("alpha", "a", ContainerOutcome.Done, null, TimeSpan.FromSeconds(1))], ["o1", "o<2>"], null, [new PositionCloseOutcome("BTCUSDT", 0.1m, null, null)], true),
            new ResumeResult(true),
            new OrderPlacedResult(order, new OrderResult(true, "ord&1", "manual-x-1", OrderStatus.Untriggered, 0, null), Paper),
            new OrdersCancelledResult("BTCUSDT", ["o&1", "o<2>"], Paper),
            new OrderListResult(null, [new OpenOrder("o<1>", null, "BTCUSDT", OrderCategory.Linear, OrderSide.Sell, OrderType.Limit, 1m, 0, 50000m, null, true, OrderStatus.New, T)], Paper),
            new PositionsClosedResult([new PositionCloseOutcome("ETHUSDT", 1m, null, "venue said " + Hostile)], Paper),
            new BalanceResult(new WalletSnapshot(10_000m, 9_000m, -12.5m, [new CoinBalance("USDT", 10_000m, 9_000m, 10_000m)]), Paper),
            new PositionsResult(null, [new Position("BTCUSDT", OrderCategory.Linear, -0.5m, 45000m, 44000m, 500m, 5)], Paper),
            new PnlResult(new PnlSummary(PnlPeriod.Today, T.AddDays(-1), T, "UTC", null, new PnlFigures(10m, 1m, 4, 2, 1, 1),
                new Dictionary<string, PnlFigures> { ["alpha<&>"] = new(10m, 1m, 4, 2, 1, 1), ["manual"] = new(0m, 0m, 0, 0, 0, 0) })),
            new TradesResult([new Fill("e1", "o1", null, "bot<&>", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, 45000m, 0.1m, 0.01m, T, 5m, true, null)], null, null),
            new PriceResult(new Ticker("BTCUSDT", 45000.5m, -1.25m, null, null, T), Paper),
            new ReportResult(ReportKind.Daily, "<b>Daily</b> report &amp; more", "Daily report & more"),
            new ChartResult(ChartKind.Pnl, PnlPeriod.Week, "alpha", "📊 alpha " + Hostile + ": net +1.00 USDT", 1000, 500, Paper, [0x89, 0x50, 0x4E, 0x47]),
            new ReportScheduledResult(new ReportSchedule(ReportKind.Sitrep, "0 * * * *", "1001", "Europe/Berlin", T)),
            new ReportListResult([new ReportSchedule(ReportKind.Pnl, "0 8 * * *", "1001", "UTC", null)]),
            new ReportCancelledResult(ReportKind.Daily, true),
            new HelpResult(ActionCatalog.All),
            new LaunchResult(container),
            new RemoveResult("old<container>&"),
            new DashboardLinkResult(new Uri("http://127.0.0.1:8080/login?token=abc_DEF-123"), DateTimeOffset.UnixEpoch),
        ];
    }

    /// <summary>A gated card for one stop step.</summary>
    public static ConfirmationCard Card(string id = "AB12CD34", DateTimeOffset? expires = null) => new(
        id,
        [new PlanStep(new SystemStopArgs("alpha"))],
        [new CardLine("system.stop", "TERMINATE (stop) alpha & <friends>", true, 1234.5m)],
        "PAPER",
        1234.5m,
        ["Warning: " + Hostile],
        expires ?? DateTimeOffset.UtcNow.AddMinutes(2));

    /// <summary>A reply awaiting confirmation with that card.</summary>
    public static AssistantReply Awaiting(string id = "AB12CD34") =>
        new(ReplyKind.AwaitingConfirmation, Plan.Of("stop alpha", new PlanStep(new SystemStopArgs("alpha"))), null, Card(id), [], "PAPER");

    /// <summary>A done reply with the given results.</summary>
    public static AssistantReply Done(params StepResult[] results) => new(
        ReplyKind.Done,
        Plan.Of("x", new PlanStep(new HelpArgs())),
        new PlanOutcome(results.Select(r => new StepOutcome(new PlanStep(new HelpArgs()), StepStatus.Succeeded, r, null, TimeSpan.Zero)).ToList()),
        null, [], "PAPER");
}
