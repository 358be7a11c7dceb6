using System.ComponentModel;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans.Actions;

/// <summary>Create and start a new bot container from a configured template.</summary>
[Action("system.launch", Gated = true, Slash = "launch", SlashUsage = "<template> <name> [symbol]")]
[Description("Launch: create and start a new bot container from a configured template (Launch:Templates), labelled as managed.")]
public sealed record SystemLaunchArgs(
    [property: Description("Name of a configured launch template.")] string Template,
    [property: Description("Name of the new bot (letters, digits, - and _); the container is named after it.")] string Name,
    [property: Description("Symbol the bot trades, passed to it as SYMBOL."), SymbolRef] string? Symbol = null) : ActionArgs;

/// <summary>Remove a managed bot container.</summary>
[Action("system.remove", Gated = true, Slash = "remove", SlashUsage = "<name>")]
[Description("Remove a bot container the assistant launched (only containers with the managed label).")]
public sealed record SystemRemoveArgs(
    [property: Description("Name of the launched bot container.")] string Name) : ActionArgs;
