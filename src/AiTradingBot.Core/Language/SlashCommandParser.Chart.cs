using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Language;

/// <summary><c>/chart [equity|pnl] [period] [system]</c>, arguments in any order.</summary>
public sealed partial class SlashCommandParser
{
    private Plan Chart(string input, ReadOnlySpan<string> args, Func<string?, Plan> bad)
    {
        if (args.Length > 3) return bad(null);
        ChartKind? kind = null;
        PnlPeriod? period = null;
        string? system = null;
        foreach (var arg in args)
        {
            if (kind is null && ChartWords.Kind(arg) is { } k) kind = k;
            else if (period is null && ChartWords.Period(arg) is { } p) period = p;
            else if (system is null && System(arg, allowAll: true, out var s, out _)) system = s == Systems.SystemRegistry.All ? null : s;
            else return bad($"\"{arg}\" is not a chart kind (equity, pnl), a period (today, yesterday, week, month, all) or a system.");
        }
        return Plan.Of(input, new PlanStep(new PortfolioChartArgs(kind ?? ChartKind.Equity, period ?? PnlPeriod.Week, system)));
    }
}

/// <summary>Words for chart kinds and periods, shared by the slash parser and the offline parser's chart phrases.</summary>
internal static class ChartWords
{
    /// <summary>equity/balance/curve → equity; pnl/profit/p&amp;l → pnl.</summary>
    public static ChartKind? Kind(string word) => word.ToLowerInvariant() switch
    {
        "equity" or "balance" or "curve" or "account" => ChartKind.Equity,
        "pnl" or "p&l" or "pl" or "profit" or "profits" or "returns" => ChartKind.Pnl,
        _ => null,
    };

    /// <summary>A period word, or null.</summary>
    public static PnlPeriod? Period(string word) => word.ToLowerInvariant() switch
    {
        "today" or "day" or "daily" => PnlPeriod.Today,
        "yesterday" => PnlPeriod.Yesterday,
        "week" or "7d" or "weekly" => PnlPeriod.Week,
        "month" or "30d" or "monthly" => PnlPeriod.Month,
        "all" or "alltime" or "all-time" or "ever" => PnlPeriod.All,
        _ => null,
    };
}
