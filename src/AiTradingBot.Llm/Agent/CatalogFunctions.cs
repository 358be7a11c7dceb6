using System.Collections.Frozen;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Llm.Agent;

/// <summary>
/// How catalog actions are named as Semantic Kernel functions, both ways. Each catalog area is one plugin
/// (<c>systems</c>, <c>trading</c>, <c>portfolio</c>, <c>reports</c>, <c>help</c>); the function name is the action
/// name with <c>_</c> for <c>.</c>; the model sees <c>plugin-function</c> (e.g. <c>systems-system_stop</c>).
/// Only names in these maps are accepted back from the model: anything else is an unknown function.
/// </summary>
public static class CatalogFunctions
{
    /// <summary>Separator between plugin and function in the name the model sees (Semantic Kernel's OpenAI convention).</summary>
    public const char Separator = '-';

    /// <summary>Function metadata key holding the action's <see cref="ActionEffect"/>.</summary>
    public const string EffectKey = "aitradingbot.effect";

    /// <summary>Function metadata key holding the catalog action name.</summary>
    public const string ActionKey = "aitradingbot.action";

    /// <summary>The plugin of the one function that is not a catalog action: asking the user a question.</summary>
    public const string AskUserPlugin = "help";

    /// <summary>The function (not an action) through which the model asks the user instead of guessing.</summary>
    public const string AskUserFunction = "ask_user";

    /// <summary>The name the model sees for <see cref="AskUserFunction"/>.</summary>
    public static string AskUserToolName => AskUserPlugin + Separator + AskUserFunction;

    // Catalog areas by action-name prefix. An action no prefix covers fails at start (and in the bijection test).
    private static readonly (string Prefix, string Plugin)[] Areas =
    [
        ("system.", "systems"), ("trading.", "trading"), ("order.", "trading"), ("position.", "trading"), ("market.", "trading"),
        ("portfolio.", "portfolio"), ("report.", "reports"), ("help", "help"),
    ];

    /// <summary>Plugin names and their descriptions, in a fixed order.</summary>
    public static IReadOnlyList<(string Name, string Description)> Plugins { get; } =
    [
        ("systems", "The trading systems' containers: status, diagnostics, logs, start, stop, restart, allowlisted commands, killswitch, launched bots."),
        ("trading", "Orders and positions on the exchange, market prices, and resuming trading after a halt."),
        ("portfolio", "Balances, positions, realized PnL, recent fills and charts."),
        ("reports", "Reports sent now or on a schedule."),
        ("help", "What the assistant can do, and asking the user a question."),
    ];

    /// <summary>
    /// The catalog actions offered to the model. Actions marked <see cref="ActionDescriptor.ModelTool"/> false (e.g.
    /// <c>dashboard.link</c>, whose result is a credential) have no function, so a model naming one is refused.
    /// </summary>
    public static IReadOnlyList<ActionDescriptor> ModelActions { get; } = ActionCatalog.All.Where(a => a.ModelTool).ToList();

    private static readonly FrozenDictionary<string, ActionDescriptor> ByToolName;
    private static readonly FrozenDictionary<string, string> ToolNameByAction;

    static CatalogFunctions()
    {
        var byTool = new Dictionary<string, ActionDescriptor>(StringComparer.Ordinal);
        foreach (var action in ModelActions)
        {
            var tool = ToolNameOf(action);
            // Two catalog names must never collapse onto one function name.
            if (!byTool.TryAdd(tool, action)) throw new InvalidOperationException($"{action.Name} and {byTool[tool].Name} map to the same function {tool}.");
        }
        ByToolName = byTool.ToFrozenDictionary(StringComparer.Ordinal);
        ToolNameByAction = byTool.ToFrozenDictionary(kv => kv.Value.Name, kv => kv.Key, StringComparer.Ordinal);
    }

    /// <summary>The plugin (catalog area) of an action.</summary>
    public static string PluginOf(ActionDescriptor action)
    {
        foreach (var (prefix, plugin) in Areas)
            if (prefix.EndsWith('.') ? action.Name.StartsWith(prefix, StringComparison.Ordinal) : action.Name == prefix) return plugin;
        throw new InvalidOperationException($"Catalog action {action.Name} belongs to no plugin; add its area to {nameof(CatalogFunctions)}.");
    }

    /// <summary>The Semantic Kernel function name of an action (<c>system.stop</c> → <c>system_stop</c>).</summary>
    public static string FunctionNameOf(ActionDescriptor action) => action.Name.Replace('.', '_');

    /// <summary>The name the model sees and calls (<c>systems-system_stop</c>).</summary>
    public static string ToolNameOf(ActionDescriptor action) => PluginOf(action) + Separator + FunctionNameOf(action);

    /// <summary>The tool name of a catalog action name, or null.</summary>
    public static string? ToolNameOf(string actionName) => ToolNameByAction.GetValueOrDefault(actionName);

    /// <summary>The catalog action of a tool name exactly as offered, or null.</summary>
    public static ActionDescriptor? FromToolName(string toolName) => ByToolName.GetValueOrDefault(toolName);

    /// <summary>The catalog action of a plugin and function name, or null.</summary>
    public static ActionDescriptor? From(string? pluginName, string functionName) =>
        pluginName is null ? null : FromToolName(pluginName + Separator + functionName);
}
