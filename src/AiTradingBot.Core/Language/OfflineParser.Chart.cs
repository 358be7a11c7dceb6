using System.Collections.Frozen;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;

namespace AiTradingBot.Core.Language;

/// <summary>
/// Chart phrases ("chart my equity this week", "pnl chart for this month", "plot bravo's pnl"). A message is a chart
/// request only when it has a chart word and every other word is a chart kind, a period, one system or filler; any
/// other word (a verb such as stop, a negation, a number) leaves the message to the grammar, so a chart phrase never
/// swallows another instruction.
/// </summary>
public sealed partial class OfflineParser
{
    private static readonly FrozenSet<string> ChartTriggers = FrozenSet.ToFrozenSet(
        ["chart", "charts", "graph", "graphs", "plot", "plots", "draw", "curve", "picture", "image", "visualize", "visualise", "diagram"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> ChartFiller = FrozenSet.ToFrozenSet(
    [
        "my", "me", "the", "a", "an", "of", "for", "this", "last", "past", "over", "show", "give", "send", "canyou", "make", "get",
        "can", "you", "please", "pls", "i", "want", "would", "like", "to", "see", "our", "us", "in", "per", "by", "each", "as",
        "with", "from", "so", "far", "daily", "how", "has", "have", "done", "is", "was", "it", "its", "bars", "bar", "line",
        "realized", "net", "account", "total", "overall", "let", "look", "at", "quick", "now", "current", "day", "days",
    ], StringComparer.Ordinal);

    private Plan? ChartPlan(string input, List<Token> tokens)
    {
        if (!tokens.Any(t => t.IsWord && ChartTriggers.Contains(t.Text))) return null;
        ChartKind? kind = null;
        PnlPeriod? period = null;
        string? system = null;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == TokenKind.Punct) continue;
            if (!t.IsWord) return null;
            var w = t.Text;
            var previous = i > 0 && tokens[i - 1].IsWord ? tokens[i - 1].Text : "";
            if (ChartTriggers.Contains(w)) continue;
            // "per day", "by day", "each day" is the bar width, not the period today.
            if (w is "day" or "days" && previous is "per" or "by" or "each" or "a") continue;
            if (w == "all" && i + 1 < tokens.Count && tokens[i + 1].IsWord && tokens[i + 1].Text is "systems" or "bots")
            {
                i++;
                continue;
            }
            var k = w switch
            {
                "equity" or "balance" or "value" or "wallet" => ChartKind.Equity,
                "pnl" or "profit" or "profits" or "returns" or "gains" or "earnings" or "performance" => ChartKind.Pnl,
                _ => (ChartKind?)null,
            };
            if (k is not null)
            {
                if (kind is not null && kind != k) return null;
                kind = k;
                continue;
            }
            if (ChartWords.Period(w) is { } p && w is not "day" and not "daily")
            {
                if (period is not null && period != p) return null;
                period = p;
                continue;
            }
            if (w != SystemRegistry.All && _systemWords.TryGetValue(w, out var name))
            {
                if (system is not null && system != name) return null;
                system = name;
                continue;
            }
            if (ChartFiller.Contains(w)) continue;
            return null;
        }
        return Plan.Of(input, new PlanStep(new PortfolioChartArgs(kind ?? ChartKind.Equity, period ?? PnlPeriod.Week, system)));
    }
}
