using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Catalog;

/// <summary>One catalog action: public name, description, effect and typed arguments.</summary>
public sealed record ActionDescriptor(
    string Name,
    string Description,
    ActionEffect Effect,
    Type ArgsType,
    IReadOnlyList<ParameterDescriptor> Parameters,
    string? Slash,
    string? SlashUsage)
{
    /// <summary>State-changing on a system or the exchange: needs explicit confirmation.</summary>
    public bool Gated => Effect == ActionEffect.Gated;

    /// <summary>Offered to the language model as a tool; false for actions whose result must not reach a model.</summary>
    public bool ModelTool { get; init; } = true;

    /// <summary>Creates the args record from already-typed constructor values by parameter CLR name.</summary>
    internal Func<object?[], ActionArgs> Factory { get; init; } = _ => throw new InvalidOperationException();
}
