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
        ["system.start"] = Words("start|starts|deploy|launch|boot|activate|enable|unpause|resume|spawn|initiate|re-?enable|restore|revive|spin up|bring up|bring back|turn on|switch on|power on|fire up|wake up|back up|online"),
        ["system.stop"] = Words("stop|halt|terminate|kill|pause|suspend|disable|deactivate|quit|end|shut ?down|shut off|turn off|switch off|power off|take down|bring down|offline"),
        ["system.restart"] = Words("restart|reboot|bounce|cycle|recycle|reload|relaunch|redeploy|reset|kick|rerun|refresh"),
        ["system.exec"] = Words("run|execute|exec|perform|trigger|invoke|fire|command|health ?check"),
        ["system.killswitch"] = Words("killswitch|kill switch|kill-switch|panic|emergency|stop everything|stop all trading|halt everything|halt all|shut everything down"),
        ["trading.resume"] = Words("resume|unhalt|un-halt|unfreeze|re-?enable|continue trading|restart trading|back to trading"),
        ["system.launch"] = Words("launch|spin up|create|new bot|new container|provision"),
        ["system.remove"] = Words("remove|delete|destroy|tear down|decommission"),
        ["order.place"] = Words("buy|purchase|long|acquire|accumulate|bid|sell|short|dump|offload|order|ape|enter|open (a |an )?(long|short|position)|market|limit"),
        ["order.cancel"] = Words("cancel|cancell|revoke|withdraw|pull|remove|delete|clear|kill|drop|scrap|nuke"),
        ["position.close"] = Words("close|flatten|exit|liquidate|unwind|square|reduce|trim|cut|take profit|get out|dump|sell"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static Regex Words(string alternatives) => new($@"\b({alternatives})\b", Options);

    /// <summary>Whether the user's text asks for this kind of action (always true for read-only actions).</summary>
    public static bool AskedFor(ActionDescriptor action, string userText) =>
        !action.Gated || (Patterns.TryGetValue(action.Name, out var pattern) && pattern.IsMatch(userText));

    /// <summary>Whether a gated action has keywords at all (a test keeps every gated catalog action covered).</summary>
    public static bool Covers(string actionName) => Patterns.ContainsKey(actionName);
}
