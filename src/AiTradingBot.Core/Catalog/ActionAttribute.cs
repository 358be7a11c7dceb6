namespace AiTradingBot.Core.Catalog;

/// <summary>
/// What running an action changes. Only <see cref="Read"/> actions may run inside a language model's turn; after any
/// tool output entered that turn, nothing else the model proposes is kept (the provenance rule).
/// </summary>
public enum ActionEffect
{
    /// <summary>Changes nothing.</summary>
    Read,
    /// <summary>Changes only the assistant's own state (e.g. a report schedule).</summary>
    Write,
    /// <summary>Changes a system or the exchange: the same user confirms the exact plan first.</summary>
    Gated,
}

/// <summary>Names an <see cref="Plans.ActionArgs"/> record as a catalog action (the public contract name).</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ActionAttribute(string name) : Attribute
{
    /// <summary>Public action name, e.g. <c>system.stop</c>.</summary>
    public string Name { get; } = name;

    /// <summary>State-changing on a system or the exchange: needs explicit confirmation (effect <see cref="ActionEffect.Gated"/>).</summary>
    public bool Gated { get; init; }

    /// <summary>
    /// The effect when not <see cref="Gated"/>: <see cref="ActionEffect.Read"/> (default) or <see cref="ActionEffect.Write"/>
    /// for actions that change only the assistant's own state. Read by the catalog only; use <see cref="ActionDescriptor.Effect"/>.
    /// </summary>
    public ActionEffect Effect { get; init; }

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
