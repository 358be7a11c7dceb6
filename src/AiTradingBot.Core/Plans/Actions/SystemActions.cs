using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans.Actions;

/// <summary>Sitrep of one or all systems.</summary>
[Action("system.status", Slash = "sitrep", SlashUsage = "[system]")]
[Description("Sitrep: state, uptime and health of one or all systems.")]
public sealed record SystemStatusArgs(
    [property: Description("System name, or \"all\" for every system."), SystemRef(AllowAll = true)] string System = "all") : ActionArgs;

/// <summary>Resource diagnostics of one or all systems.</summary>
[Action("system.diagnostics", Slash = "diagnostics", SlashUsage = "[system]")]
[Description("Diagnostics: CPU, memory, restarts and health checks of one or all systems.")]
public sealed record SystemDiagnosticsArgs(
    [property: Description("System name, or \"all\" for every system."), SystemRef(AllowAll = true)] string System = "all") : ActionArgs;

/// <summary>Last lines of a system's logs.</summary>
[Action("system.logs", Slash = "intel", SlashUsage = "<system> [lines]")]
[Description("Intel: the last lines of a system's logs, optionally filtered.")]
public sealed record SystemLogsArgs(
    [property: Description("System name."), SystemRef] string System,
    [property: Description("How many lines from the end."), Range(1, 2000)] int Lines = 50,
    [property: Description("Only lines containing this text (case-insensitive).")] string? Grep = null,
    [property: Description("Only lines newer than this age, e.g. 10m or 2h.")] string? Since = null) : ActionArgs;

/// <summary>Start (deploy) a system.</summary>
[Action("system.start", Gated = true, Slash = "deploy", SlashUsage = "<system|all>")]
[Description("Deploy: start a system, or every trading system.")]
public sealed record SystemStartArgs(
    [property: Description("System name, or \"all\" for every trading system."), SystemRef(AllowAll = true)] string System) : ActionArgs;

/// <summary>Stop (terminate) a system.</summary>
[Action("system.stop", Gated = true, Slash = "terminate", SlashUsage = "<system|all>")]
[Description("Terminate: stop a system, or every trading system.")]
public sealed record SystemStopArgs(
    [property: Description("System name, or \"all\" for every trading system."), SystemRef(AllowAll = true)] string System) : ActionArgs;

/// <summary>Restart (reboot) a system.</summary>
[Action("system.restart", Gated = true, Slash = "reboot", SlashUsage = "<system|all>")]
[Description("Reboot: restart a system, or every trading system.")]
public sealed record SystemRestartArgs(
    [property: Description("System name, or \"all\" for every trading system."), SystemRef(AllowAll = true)] string System) : ActionArgs;

/// <summary>Run an allowlisted command inside a system.</summary>
[Action("system.exec", Gated = true, Slash = "execute", SlashUsage = "<system> <command>")]
[Description("Execute a command from the system's configured allowlist inside its container.")]
public sealed record SystemExecArgs(
    [property: Description("System name."), SystemRef] string System,
    [property: Description("Name of an allowlisted command, e.g. health.")] string Command) : ActionArgs;

/// <summary>Emergency stop of all trading.</summary>
[Action("system.killswitch", Gated = true, Slash = "killswitch", SlashUsage = "[CONFIRM]")]
[Description("Killswitch: stop all trading systems, cancel all open orders, optionally close all positions, and halt new risk until resumed.")]
public sealed record SystemKillswitchArgs(
    [property: Description("Also close every open position with reduce-only market orders.")] bool ClosePositions = false) : ActionArgs;

/// <summary>Clear a killswitch halt.</summary>
[Action("trading.resume", Gated = true, Slash = "resume")]
[Description("Resume trading after a killswitch: risk-increasing orders are allowed again.")]
public sealed record TradingResumeArgs : ActionArgs;
