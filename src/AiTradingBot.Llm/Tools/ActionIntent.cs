using System.Collections.Frozen;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Llm.Tools;

/// <summary>
/// Decides deterministically, from the user's own words, whether a message asked for a kind of state-changing action.
/// A gated step the model proposes for a family the user did not name is dropped: model output (and the tool output
/// it read) can never introduce a new kind of action. A gated catalog action without keywords here is never "asked for".
/// </summary>
public static class ActionIntent
{
    private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

    private static readonly FrozenDictionary<string, Regex> Patterns = new Dictionary<string, Regex>
    {
        ["system.start"] = Words("start|starts|deploy|launch|boot|spin up|bring up|bring back|turn on|switch on|up again|online"),
        ["system.stop"] = Words("stop|terminate|kill|shut down|shutdown|shut off|turn off|switch off|halt|pause|take down|bring down|offline|disable"),
        ["system.restart"] = Words("restart|reboot|bounce|relaunch|recycle|cycle|reload"),
        ["system.exec"] = Words("exec|execute|run|command|health ?check"),
        ["system.killswitch"] = Words("killswitch|kill switch|kill-switch|panic|emergency|stop everything|stop all trading|halt everything|halt all|shut everything down|nuke"),
        ["trading.resume"] = Words("resume|unhalt|un-halt|re-enable|reenable|continue trading|restart trading|back to trading"),
        ["order.place"] = Words("buy|sell|long|short|order|purchase|ape|enter|bid|offer|open (a |an )?(long|short|position)|market|limit"),
        ["order.cancel"] = Words("cancel|pull|revoke|withdraw|delete|remove"),
        ["position.close"] = Words("close|exit|flatten|liquidate|take profit|get out|dump|reduce|cut"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static Regex Words(string alternatives) => new($@"\b({alternatives})\b", Options);

    /// <summary>Whether the user's text asks for this kind of action (always true for read-only actions).</summary>
    public static bool AskedFor(ActionDescriptor action, string userText) =>
        !action.Gated || (Patterns.TryGetValue(action.Name, out var pattern) && pattern.IsMatch(userText));

    /// <summary>Whether a gated action has keywords at all (a test keeps every gated catalog action covered).</summary>
    public static bool Covers(string actionName) => Patterns.ContainsKey(actionName);
}
