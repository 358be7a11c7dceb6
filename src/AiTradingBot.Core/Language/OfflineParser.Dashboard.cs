using System.Collections.Frozen;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Language;

/// <summary>
/// Asking for the web dashboard in words ("open the dashboard", "dashboard link", "give me the web link") is the same
/// action as <c>/web</c>: a sign-in link sent only to the asker. Matched whole, like chart phrases: the message needs a
/// dashboard word plus a link word or an opening verb, and every other word must be filler, so "dashboard" alone stays
/// the fleet overview and "don't open the dashboard" or "open the dashboard and stop alpha" go to the grammar.
/// </summary>
public sealed partial class OfflineParser
{
    // "web" names the dashboard only next to a link word or an opening verb ("web link", "open the web ui").
    private static readonly FrozenSet<string> DashboardWords = FrozenSet.ToFrozenSet(
        ["dashboard", "web", "webui", "website", "site", "ui", "frontend", "portal", "panel", "browser", "dash"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> DashboardLinkWords = FrozenSet.ToFrozenSet(
        ["link", "links", "url", "address", "login", "signin", "logon"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> DashboardOpenVerbs = FrozenSet.ToFrozenSet(
        ["open", "access", "reach", "enter", "visit", "login", "signin", "logon"], StringComparer.Ordinal);

    private static readonly FrozenSet<string> DashboardFiller = FrozenSet.ToFrozenSet(
    [
        "the", "a", "an", "my", "me", "to", "for", "of", "i", "you", "can", "canyou", "please", "pls", "give", "send", "get",
        "want", "need", "would", "like", "how", "do", "where", "is", "it", "new", "fresh", "your", "our", "us", "page", "app",
        "interface", "in", "into", "on", "sign", "log", "up", "let", "so", "just", "now", "again", "another", "one", "what",
        "s", "with", "that", "this", "here", "there", "show", "provide", "share", "bot", "trading", "hey", "hi",
    ], StringComparer.Ordinal);

    private static Plan? DashboardLinkPlan(string input, List<Token> tokens)
    {
        bool dashboard = false, link = false, open = false;
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == TokenKind.Punct) continue;
            if (!t.IsWord) return null;
            var w = t.Text;
            var next = i + 1 < tokens.Count && tokens[i + 1].IsWord ? tokens[i + 1].Text : "";
            var matched = false;
            if (DashboardWords.Contains(w)) { dashboard = true; matched = true; }
            // "sign in link", "log in link": a sign-in link is the dashboard's.
            if (w is "sign" or "log" && next == "in") { link = true; open = true; i++; matched = true; }
            if (DashboardLinkWords.Contains(w)) { link = true; matched = true; }
            if (DashboardOpenVerbs.Contains(w)) { open = true; matched = true; }
            if (!matched && !DashboardFiller.Contains(w)) return null;
        }
        // A dashboard word alone is the overview ("dashboard") or too vague ("web"); "sign in link" alone is the dashboard's.
        if (!(dashboard ? link || open : link && open)) return null;
        return Plan.Of(input, new PlanStep(new DashboardLinkArgs()));
    }
}
