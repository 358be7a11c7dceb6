namespace AiTradingBot.Core.Catalog;

/// <summary>Names an <see cref="Plans.ActionArgs"/> record as a catalog action (the public contract name).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActionAttribute(string name) : Attribute
{
    /// <summary>Public action name, e.g. <c>system.stop</c>.</summary>
    public string Name { get; } = name;

    /// <summary>State-changing on a system or the exchange: needs explicit confirmation.</summary>
    public bool Gated { get; init; }

    /// <summary>Slash command that maps to this action (without the slash), when there is one.</summary>
    public string? Slash { get; init; }

    /// <summary>Usage shown in help for the slash command, e.g. <c>&lt;system&gt; [lines]</c>.</summary>
    public string? SlashUsage { get; init; }

    /// <summary>Offered to the language model as a tool (false when the result is a credential, e.g. a sign-in link).</summary>
    public bool ModelTool { get; init; } = true;
}

/// <summary>Marks a string argument that names a configured system.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class SystemRefAttribute : Attribute
{
    /// <summary>Whether <c>all</c> (every trading system) is accepted.</summary>
    public bool AllowAll { get; init; }
}

/// <summary>Marks a string argument that is an exchange symbol such as <c>BTCUSDT</c>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class SymbolRefAttribute : Attribute
{
    /// <summary>Whether <c>all</c> is accepted.</summary>
    public bool AllowAll { get; init; }
}
