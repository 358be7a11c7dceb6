namespace AiTradingBot.Core.Catalog;

/// <summary>The JSON shape of an argument, as tool schemas and validation see it.</summary>
public enum ParameterKind { String, Integer, Number, Boolean, Enum, Object }

/// <summary>One argument of an action, described once: JSON name, type, default, range and description.</summary>
public sealed record ParameterDescriptor(
    string Name,
    string ClrName,
    Type ClrType,
    ParameterKind Kind,
    bool Required,
    bool HasDefault,
    object? DefaultValue,
    string Description,
    decimal? Minimum,
    decimal? Maximum,
    IReadOnlyList<string> EnumValues,
    bool IsSystem,
    bool IsSymbol,
    bool AllowsAll,
    IReadOnlyList<ParameterDescriptor> Properties);
