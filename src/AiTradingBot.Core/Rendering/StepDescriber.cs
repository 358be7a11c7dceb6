using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Rendering;

/// <summary>
/// One line per step, from the typed arguments only (never model prose): what the confirmation card shows.
/// </summary>
public static class StepDescriber
{
    /// <summary>Plain-text description of a step, e.g. "TERMINATE alpha" or "BUY 0.1 BTCUSDT market (linear)".</summary>
    public static string Describe(PlanStep step) => step.Args switch
    {
        SystemStatusArgs a => $"SITREP {a.System}",
        SystemDiagnosticsArgs a => $"DIAGNOSTICS {a.System}",
        SystemLogsArgs a => $"INTEL {a.System}: last {a.Lines} lines" + (a.Grep is null ? "" : $" matching \"{a.Grep}\"") + (a.Since is null ? "" : $" since {a.Since}"),
        SystemStartArgs a => $"DEPLOY (start) {Systems(a.System)}",
        SystemStopArgs a => $"TERMINATE (stop) {Systems(a.System)}",
        SystemRestartArgs a => $"REBOOT (restart) {Systems(a.System)}",
        SystemExecArgs a => $"EXECUTE allowlisted command \"{a.Command}\" in {a.System}",
        SystemKillswitchArgs a => "KILLSWITCH: stop all trading systems, cancel all open orders" + (a.ClosePositions ? ", CLOSE ALL POSITIONS" : "") + ", halt new risk",
        TradingResumeArgs => "RESUME trading (clear the killswitch halt)",
        OrderPlaceArgs a => DescribeOrder(a),
        OrderCancelArgs a => a.OrderId is not null ? $"CANCEL order {a.OrderId}" : a.Symbol is null ? "CANCEL ALL open orders" : $"CANCEL all open {a.Symbol} orders",
        OrderListArgs a => a.Symbol is null ? "List open orders" : $"List open {a.Symbol} orders",
        PositionCloseArgs a => (a.Symbol == "all" ? "CLOSE ALL positions" : $"CLOSE {Format.Qty(a.Percent)}% of the {a.Symbol} position") + " (reduce-only market)",
        PortfolioBalanceArgs => "Show balances",
        PortfolioPositionsArgs a => a.Symbol is null ? "Show positions" : $"Show the {a.Symbol} position",
        PortfolioPnlArgs a => $"PnL {a.Period.ToString().ToLowerInvariant()}" + (a.System is null ? "" : $" for {a.System}"),
        PortfolioTradesArgs a => $"Last {a.Limit} trades" + (a.Symbol is null ? "" : $" on {a.Symbol}") + (a.System is null ? "" : $" from {a.System}"),
        PortfolioChartArgs a => $"Chart of {(a.Kind == ChartKind.Equity ? "equity" : "PnL per day")} {a.Period.ToString().ToLowerInvariant()}" + (a.System is null ? "" : $" for {a.System}"),
        MarketPriceArgs a => $"Price of {a.Symbol}",
        ReportSendArgs a => $"Send the {a.Kind.ToString().ToLowerInvariant()} report",
        ReportScheduleArgs a => $"Schedule the {a.Kind.ToString().ToLowerInvariant()} report at \"{a.Cron}\"",
        ReportListArgs => "List scheduled reports",
        ReportCancelArgs a => $"Stop the scheduled {a.Kind.ToString().ToLowerInvariant()} report",
        HelpArgs => "Help",
        DashboardLinkArgs => "A sign-in link to the web dashboard",
        SystemLaunchArgs a => $"LAUNCH a new bot \"{a.Name}\" from template {a.Template}" + (a.Symbol is null ? "" : $" trading {a.Symbol}"),
        SystemRemoveArgs a => $"REMOVE the launched bot container {a.Name}",
        _ => step.Action,
    };

    private static string Systems(string system) => system == "all" ? "ALL trading systems" : system;

    private static string DescribeOrder(OrderPlaceArgs a)
    {
        var side = a.Side == OrderSide.Buy ? "BUY" : "SELL";
        var size = a.Qty is { } q ? $"{Format.Qty(q)} {a.Symbol}" : $"{Format.Money(a.Notional ?? 0)} USDT of {a.Symbol}";
        var type = a.Type == OrderType.Limit ? $"limit @ {Format.Price(a.Price ?? 0)}" : "market";
        var text = $"{side} {size} {type} ({a.Category.ToString().ToLowerInvariant()})";
        if (a.Trigger is { } t) text += $" when the price {(t.Direction == TriggerDirection.Below ? "falls to" : "rises to")} {Format.Price(t.Price)}";
        if (a.TakeProfit is { } tp) text += $", TP {Format.Price(tp)}";
        if (a.StopLoss is { } sl) text += $", SL {Format.Price(sl)}";
        if (a.Leverage is { } lev) text += $", {lev}x leverage";
        if (a.ReduceOnly) text += ", reduce-only";
        return text;
    }
}
