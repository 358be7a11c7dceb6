using System.Collections;
using System.Reflection;
using AiTradingBot.Core.Systems;
using AiTradingBot.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>
/// Which configuration keys the host really reads. The probe composes the host exactly as <c>run</c> does
/// (<see cref="HostComposition.AddAiTradingBot"/>) over a recording configuration with every adapter switched on,
/// then resolves every bound options type and the system registry. A key is real when the host read it; a renamed
/// or misspelt key is never read.
/// </summary>
internal static class HostConfigurationKeys
{
    /// <summary>Keys read outside the service collection: <c>ServiceHost</c> reads Http:Urls and the Telemetry keys itself, before it builds the web host.</summary>
    public static readonly IReadOnlyList<string> ReadByServiceHost = ["Http:Urls", "Telemetry:Prometheus", "Telemetry:OtlpEndpoint"];

    // Values that make every adapter register its options; they win over the probed settings.
    private static readonly Dictionary<string, string?> AllAdaptersOn = new()
    {
        ["Exchange:Provider"] = "bybit",
        ["Telegram:BotToken"] = "123456:probe-token",
        ["Docker:Endpoint"] = "tcp://127.0.0.1:1",
        ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Database=probe",
        ["ConnectionStrings:Redis"] = "127.0.0.1:1",
    };

    /// <summary>What one probe saw.</summary>
    /// <param name="Reads">Every key path the host read.</param>
    /// <param name="ConversionErrors">Values the binder could not convert (e.g. an empty string for a number).</param>
    /// <param name="OtherErrors">Anything else that failed while resolving options (shown when a key is not found).</param>
    /// <param name="BoundSettings">Per options type of the product: the key of each property the binder visited.</param>
    public sealed record Probe(ISet<string> Reads, IReadOnlyList<string> ConversionErrors, IReadOnlyList<string> OtherErrors,
        IReadOnlyDictionary<Type, List<(string Key, PropertyInfo? Property)>> BoundSettings)
    {
        /// <summary>True when the host reads <paramref name="key"/> (':' separated, case-insensitive like configuration).</summary>
        public bool IsRead(string key) => Reads.Contains(key);
    }

    /// <summary>
    /// Runs the probe with <paramref name="settings"/> (':' separated keys) as the configuration. The binder skips a
    /// section that has no keys at all; with <paramref name="bindEverySection"/> a first pass finds the sections the
    /// host binds and the second gives each an unrelated key, so every property of every options type is visited.
    /// </summary>
    public static Probe Run(IReadOnlyDictionary<string, string?> settings, bool bindEverySection = false)
    {
        if (bindEverySection)
        {
            var seeded = settings.ToDictionary(StringComparer.OrdinalIgnoreCase);
            foreach (var section in RunOnce(settings).Reads.Where(k => !k.Contains(':') && k is not ("Systems" or "ConnectionStrings" or "Logging")))
                seeded.TryAdd(section + ":ProbeUnrelatedKey", null);
            return RunOnce(seeded);
        }
        return RunOnce(settings);
    }

    private static Probe RunOnce(IReadOnlyDictionary<string, string?> settings)
    {
        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in settings) data[k] = v;
        foreach (var (k, v) in AllAdaptersOn) data[k] = v;
        var inner = new ConfigurationBuilder().AddInMemoryCollection(data).Build();

        var reads = new HashSet<string>(ReadByServiceHost, StringComparer.OrdinalIgnoreCase);
        List<string>? current = null;
        var configuration = new RecordingConfiguration(inner, key => { reads.Add(key); current?.Add(key); });

        var services = new ServiceCollection();
        services.AddAiTradingBot(configuration);
        using var provider = services.BuildServiceProvider();

        var conversion = new List<string>();
        var other = new List<string>();
        var bound = new Dictionary<Type, List<(string Key, PropertyInfo? Property)>>();
        foreach (var type in OptionsTypes(services))
        {
            current = [];
            try
            {
                var options = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
                _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            }
            catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException)
            {
                // Validation runs after binding: every key was read. The probe's values need not be valid settings.
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException { Message: var m } && m.StartsWith("Failed to convert", StringComparison.Ordinal))
            {
                conversion.Add(m);
            }
            catch (Exception e)
            {
                other.Add($"{type.Name}: {(e as TargetInvocationException)?.InnerException?.Message ?? e.Message}");
            }
            if (type.Assembly.GetName().Name?.StartsWith("AiTradingBot", StringComparison.Ordinal) == true)
                bound[type] = PropertyKeys(type, current);
            current = null;
        }
        try
        {
            _ = provider.GetRequiredService<SystemRegistry>();
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert", StringComparison.Ordinal))
        {
            conversion.Add(e.Message);
        }
        catch (Exception e)
        {
            other.Add($"{nameof(SystemRegistry)}: {e.Message}");
        }
        return new Probe(reads, conversion, other, bound);
    }

    // The keys of the type's own properties: reads named after a settable property, under the section most of them share
    // (reads of list items or of other sections during the same resolution are left out).
    private static List<(string Key, PropertyInfo? Property)> PropertyKeys(Type type, List<string> reads)
    {
        var properties = reads.Distinct(StringComparer.OrdinalIgnoreCase)
            .Select(key => (Key: key, Property: type.GetProperty(ConfigurationPath.GetSectionKey(key), BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)))
            .Where(p => p.Property is { CanWrite: true })
            .ToList();
        var section = properties.GroupBy(p => ConfigurationPath.GetParentPath(p.Key) ?? "", StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(g => g.Count()).FirstOrDefault()?.Key;
        return properties.Where(p => string.Equals(ConfigurationPath.GetParentPath(p.Key) ?? "", section, StringComparison.OrdinalIgnoreCase))
            .Select(p => (p.Key, (PropertyInfo?)p.Property)).ToList();
    }

    /// <summary>True for a property whose configuration has children (a list, dictionary or nested object) rather than one value.</summary>
    public static bool HasChildren(PropertyInfo property)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        return type != typeof(string) && (typeof(IEnumerable).IsAssignableFrom(type) || (type.IsClass && type != typeof(Uri)));
    }

    private static IEnumerable<Type> OptionsTypes(IServiceCollection services) => services
        .Select(d => d.ServiceType)
        .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() is var g
            && (g == typeof(IConfigureOptions<>) || g == typeof(IPostConfigureOptions<>) || g == typeof(IValidateOptions<>) || g == typeof(IOptionsChangeTokenSource<>)))
        .Select(t => t.GetGenericArguments()[0])
        .Where(t => !t.ContainsGenericParameters)
        .Distinct();
}
