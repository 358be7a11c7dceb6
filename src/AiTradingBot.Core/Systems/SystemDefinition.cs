namespace AiTradingBot.Core.Systems;

/// <summary>A resolved system: canonical name, container, aliases, role, allowlisted commands and the container host it lives on.</summary>
public sealed record SystemDefinition(
    string Name,
    string Container,
    IReadOnlyList<string> Aliases,
    SystemRole Role,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Commands,
    string Host = Containers.ContainerHosts.Default);
