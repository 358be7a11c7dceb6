using System.Collections.Frozen;

namespace AiTradingBot.Core.Systems;

/// <summary>Configured systems by canonical name and alias. <c>all</c> expands to every trading system.</summary>
public sealed class SystemRegistry
{
    /// <summary>The keyword for every trading system.</summary>
    public const string All = "all";

    private readonly FrozenDictionary<string, SystemDefinition> _byName;
    private readonly FrozenDictionary<string, SystemDefinition> _byAlias;

    /// <summary>Every system, in configuration order.</summary>
    public IReadOnlyList<SystemDefinition> Systems { get; }

    /// <summary>Trading systems (what <c>all</c> means).</summary>
    public IReadOnlyList<SystemDefinition> TradingSystems { get; }

    /// <summary>Builds a registry; names and aliases must be unique (case-insensitive).</summary>
    public SystemRegistry(IEnumerable<SystemDefinition> systems)
    {
        Systems = systems.ToList();
        TradingSystems = Systems.Where(s => s.Role == SystemRole.Trading).ToList();
        _byName = Systems.ToFrozenDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        var aliases = new Dictionary<string, SystemDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in Systems)
            foreach (var key in s.Aliases.Append(s.Name).Append(s.Container))
            {
                if (string.Equals(key, All, StringComparison.OrdinalIgnoreCase))
                    throw new ArgumentException($"System '{s.Name}': '{All}' is reserved.");
                if (aliases.TryGetValue(key, out var other) && other != s)
                    throw new ArgumentException($"Name '{key}' is used by both '{other.Name}' and '{s.Name}'.");
                aliases[key] = s;
            }
        _byAlias = aliases.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Builds a registry from <c>Systems:</c> configuration; the default table when none is configured.</summary>
    public static SystemRegistry FromOptions(IReadOnlyDictionary<string, SystemOptions>? options) =>
        options is null || options.Count == 0
            ? Default
            : new SystemRegistry(options.Select(kv => new SystemDefinition(
                kv.Key.ToLowerInvariant(),
                kv.Value.Container,
                kv.Value.Aliases.Select(a => a.ToLowerInvariant()).ToList(),
                kv.Value.Role,
                kv.Value.Commands.ToDictionary(c => c.Key, c => (IReadOnlyList<string>)c.Value, StringComparer.OrdinalIgnoreCase),
                Containers.ContainerHosts.Normalize(kv.Value.Host))));

    /// <summary>The default systems of <c>actions.md</c>.</summary>
    public static SystemRegistry Default { get; } = new(
    [
        Trading("alpha", "shortseller_trading", "shortseller"),
        Trading("bravo", "lxalgo_trading", "lxalgo"),
        Trading("charlie", "momentum_trading", "momentum"),
        new("database", "shortseller_postgres", ["db", "postgres"], SystemRole.Infrastructure, new Dictionary<string, IReadOnlyList<string>>()),
        new("cache", "shortseller_redis", ["redis"], SystemRole.Infrastructure, new Dictionary<string, IReadOnlyList<string>>()),
    ]);

    private static SystemDefinition Trading(string name, string container, string alias) =>
        new(name, container, [alias], SystemRole.Trading,
            new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase) { ["health"] = ["/bin/sh", "-c", "test -d /proc/1 && echo healthy"] });

    /// <summary>A system by canonical name, alias or container name.</summary>
    public SystemDefinition? Find(string nameOrAlias) => _byAlias.GetValueOrDefault(nameOrAlias.Trim());

    /// <summary>A system by canonical name only.</summary>
    public SystemDefinition? Get(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Canonical name for a name or alias (<c>all</c> stays <c>all</c>), or null when unknown.</summary>
    public string? Canonical(string nameOrAlias) =>
        string.Equals(nameOrAlias.Trim(), All, StringComparison.OrdinalIgnoreCase) ? All : Find(nameOrAlias)?.Name;

    /// <summary>
    /// The systems a <c>system</c> argument names: one, or for <c>all</c> every trading system
    /// (read-only reports may ask for infrastructure too).
    /// </summary>
    public IReadOnlyList<SystemDefinition> Expand(string system, bool includeInfrastructure = false) =>
        string.Equals(system, All, StringComparison.OrdinalIgnoreCase)
            ? (includeInfrastructure ? Systems : TradingSystems)
            : Find(system) is { } s ? [s] : [];

    /// <summary>Every name and alias users may type (for parsers).</summary>
    public IEnumerable<(string Key, SystemDefinition System)> Names => _byAlias.Select(kv => (kv.Key, kv.Value));
}
