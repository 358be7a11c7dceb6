using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Catalog;

/// <summary>One catalog action: public name, description, gating and typed arguments.</summary>
public sealed record ActionDescriptor(
    string Name,
    string Description,
    bool Gated,
    Type ArgsType,
    IReadOnlyList<ParameterDescriptor> Parameters,
    string? Slash,
    string? SlashUsage)
{
    /// <summary>Offered to the language model as a tool; false for actions whose result must not reach a model.</summary>
    public bool ModelTool { get; init; } = true;

    /// <summary>Name usable as an LLM tool/function name (dots are not allowed there).</summary>
    public string ToolName => Name.Replace('.', '_');

    /// <summary>Creates the args record from already-typed constructor values by parameter CLR name.</summary>
    internal Func<object?[], ActionArgs> Factory { get; init; } = _ => throw new InvalidOperationException();
}
