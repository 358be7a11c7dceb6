using System.Collections.Frozen;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Catalog;

/// <summary>
/// The action catalog, reflected once from the <see cref="ActionArgs"/> records. Validation, help, slash-command
/// menus, LLM tool schemas and the README table are all generated from it, so an action is described exactly once.
/// </summary>
public static class ActionCatalog
{
    private static readonly FrozenDictionary<string, ActionDescriptor> ByName;
    private static readonly FrozenDictionary<Type, ActionDescriptor> ByType;

    /// <summary>Every action in catalog order.</summary>
    public static IReadOnlyList<ActionDescriptor> All { get; }

    static ActionCatalog()
    {
        var list = typeof(ActionArgs).Assembly.GetTypes()
            .Where(t => t.IsSealed && typeof(ActionArgs).IsAssignableFrom(t) && t.GetCustomAttribute<ActionAttribute>() is not null)
            .Select(Describe)
            .OrderBy(d => Order(d.Name)).ThenBy(d => d.Name, StringComparer.Ordinal)
            .ToList();
        All = list;
        ByName = list.ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);
        ByType = list.ToFrozenDictionary(d => d.ArgsType);
    }

    /// <summary>The descriptor for an action name, or null.</summary>
    public static ActionDescriptor? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The descriptor of an args record.</summary>
    public static ActionDescriptor For(ActionArgs args) => For(args.GetType());

    /// <summary>The descriptor of an args record type.</summary>
    public static ActionDescriptor For(Type argsType) =>
        ByType.TryGetValue(argsType, out var d) ? d : throw new ArgumentException($"{argsType.Name} is not a catalog action.", nameof(argsType));

    // The order of actions.md; actions added later follow it.
    private static readonly string[] ContractOrder =
    [
        "system.status", "system.diagnostics", "system.logs", "system.start", "system.stop", "system.restart", "system.exec", "system.killswitch",
        "trading.resume", "system.launch", "system.remove", "order.place", "order.cancel", "order.list", "position.close", "portfolio.balance",
        "portfolio.positions", "portfolio.pnl", "portfolio.trades", "portfolio.chart", "market.price", "report.send", "report.schedule", "report.list", "report.cancel", "help",
    ];

    private static int Order(string name) => Array.IndexOf(ContractOrder, name) is var i and >= 0 ? i : ContractOrder.Length;

    private static ActionDescriptor Describe(Type type)
    {
        var attribute = type.GetCustomAttribute<ActionAttribute>()!;
        var description = type.GetCustomAttribute<DescriptionAttribute>()?.Description
            ?? throw new InvalidOperationException($"{type.Name} needs a [Description].");
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var parameters = ctor.GetParameters().Select(p => DescribeParameter(type, p)).ToList();
        return new ActionDescriptor(attribute.Name, description, EffectOf(type, attribute), type, parameters, attribute.Slash, attribute.SlashUsage)
        {
            Factory = values => (ActionArgs)ctor.Invoke(values),
            ModelTool = attribute.ModelTool,
        };
    }

    // The effect is derived here, once: Gated wins; an action both gated and declared write is a contradiction.
    private static ActionEffect EffectOf(Type type, ActionAttribute attribute) => attribute switch
    {
        { Gated: true, Effect: ActionEffect.Read or ActionEffect.Gated } => ActionEffect.Gated,
        { Gated: true } => throw new InvalidOperationException($"{type.Name} is gated and declares effect {attribute.Effect}."),
        _ => attribute.Effect,
    };

    private static ParameterDescriptor DescribeParameter(Type owner, ParameterInfo p)
    {
        var property = owner.GetProperty(p.Name!, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{owner.Name}.{p.Name} has no property.");
        return DescribeMember(p.Name!, property, p.ParameterType, p.HasDefaultValue, p.HasDefaultValue ? p.DefaultValue : null);
    }

    private static ParameterDescriptor DescribeMember(string clrName, PropertyInfo property, Type clrType, bool hasDefault, object? defaultValue)
    {
        var underlying = Nullable.GetUnderlyingType(clrType) ?? clrType;
        var range = property.GetCustomAttribute<RangeAttribute>();
        var system = property.GetCustomAttribute<SystemRefAttribute>();
        var symbol = property.GetCustomAttribute<SymbolRefAttribute>();
        var kind = underlying switch
        {
            _ when underlying == typeof(string) => ParameterKind.String,
            _ when underlying == typeof(int) || underlying == typeof(long) => ParameterKind.Integer,
            _ when underlying == typeof(decimal) || underlying == typeof(double) => ParameterKind.Number,
            _ when underlying == typeof(bool) => ParameterKind.Boolean,
            _ when underlying.IsEnum => ParameterKind.Enum,
            _ => ParameterKind.Object,
        };
        var nested = kind == ParameterKind.Object
            ? underlying.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
                .Select(np => DescribeMember(np.Name!, underlying.GetProperty(np.Name!)!, np.ParameterType, np.HasDefaultValue, np.HasDefaultValue ? np.DefaultValue : null))
                .ToList()
            : [];
        if (hasDefault && defaultValue is not null && underlying.IsEnum && defaultValue.GetType() != underlying)
            defaultValue = Enum.ToObject(underlying, defaultValue);
        return new ParameterDescriptor(
            Name: JsonNamingPolicy.CamelCase.ConvertName(clrName),
            ClrName: clrName,
            ClrType: clrType,
            Kind: kind,
            Required: !hasDefault,
            HasDefault: hasDefault && defaultValue is not null,
            DefaultValue: defaultValue,
            Description: property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "",
            Minimum: range is null ? null : Convert.ToDecimal(range.Minimum, System.Globalization.CultureInfo.InvariantCulture),
            Maximum: range is null ? null : Convert.ToDecimal(range.Maximum, System.Globalization.CultureInfo.InvariantCulture),
            EnumValues: underlying.IsEnum ? Enum.GetNames(underlying).Select(JsonNamingPolicy.CamelCase.ConvertName).ToList() : [],
            IsSystem: system is not null,
            IsSymbol: symbol is not null,
            AllowsAll: system?.AllowAll == true || symbol?.AllowAll == true,
            Properties: nested);
    }
}
