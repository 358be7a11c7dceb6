namespace AiTradingBot.Core.Systems;

/// <summary>A resolved system: canonical name, container, aliases, role and allowlisted commands.</summary>
public sealed record SystemDefinition(
    string Name,
    string Container,
    IReadOnlyList<string> Aliases,
    SystemRole Role,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Commands);
