using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Systems;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Docker;

/// <summary>
/// Checks the <c>Docker</c> section at start so a typo fails the host instead of the first stop; with the systems and
/// launch templates given, also that every <c>Host</c> they name is a configured Docker host (a typo there would
/// otherwise only show when someone first stops that system).
/// </summary>
internal sealed partial class DockerOptionsValidator(bool withDefaultHost = true, SystemRegistry? systems = null, IOptions<LaunchOptions>? launch = null)
    : IValidateOptions<DockerOptions>
{
    /// <summary>Validates every key with a message naming it.</summary>
    public ValidateOptionsResult Validate(string? name, DockerOptions options)
    {
        var errors = new List<string>();
        if (!DockerEndpoint.TryParse(options.Endpoint, out _, out var endpointError))
            errors.Add($"Docker:Endpoint: {endpointError}");
        Range(errors, "Docker:StopTimeoutSeconds", options.StopTimeoutSeconds, 0, 3600);
        Range(errors, "Docker:RequestTimeoutSeconds", options.RequestTimeoutSeconds, 1, 600);
        Range(errors, "Docker:ExecOutputLimitBytes", options.ExecOutputLimitBytes, 1024, 16 * 1024 * 1024);
        Range(errors, "Docker:ExecTimeoutSeconds", options.ExecTimeoutSeconds, 1, 3600);
        Range(errors, "Docker:StatsSampleMilliseconds", options.StatsSampleMilliseconds, 100, 10_000);
        Range(errors, "Docker:LogGrepScanLines", options.LogGrepScanLines, 100, 100_000);
        if (!string.IsNullOrWhiteSpace(options.ApiVersion) && !DockerApiVersion.TryParse(options.ApiVersion, out _))
            errors.Add($"Docker:ApiVersion: '{options.ApiVersion}' is not a version like 1.41.");
        foreach (var (hostName, host) in options.Hosts)
        {
            if (!HostNameRegex().IsMatch(hostName))
                errors.Add($"Docker:Hosts:{hostName}: a host name is letters, digits, '-' and '_' (at most 40).");
            if (!DockerEndpoint.TryParse(host.Endpoint, out _, out var hostError))
                errors.Add($"Docker:Hosts:{hostName}:Endpoint: {hostError}");
            if (!string.IsNullOrWhiteSpace(host.ApiVersion) && !DockerApiVersion.TryParse(host.ApiVersion, out _))
                errors.Add($"Docker:Hosts:{hostName}:ApiVersion: '{host.ApiVersion}' is not a version like 1.41.");
        }
        var known = options.Hosts.Keys.Select(ContainerHosts.Normalize).ToHashSet(StringComparer.Ordinal);
        if (withDefaultHost) known.Add(ContainerHosts.Default);
        var choices = string.Join(", ", known.Order(StringComparer.Ordinal));
        // The built-in table (no Systems configured) is the seed's default and is not held to the configured hosts.
        foreach (var system in ReferenceEquals(systems, SystemRegistry.Default) ? [] : systems?.Systems ?? [])
            if (!known.Contains(system.Host))
                errors.Add($"Systems:{system.Name}:Host: '{system.Host}' is not a configured Docker host ({HostHint(system.Host, choices)}).");
        foreach (var (template, t) in launch?.Value.Templates ?? [])
        {
            var host = ContainerHosts.Normalize(t.Host);
            if (!known.Contains(host))
                errors.Add($"Launch:Templates:{template}:Host: '{host}' is not a configured Docker host ({HostHint(host, choices)}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static string HostHint(string host, string choices) =>
        (ContainerHosts.IsDefault(host) ? "set Docker:Endpoint" : $"add Docker:Hosts:{host}:Endpoint") + $", or use one of: {choices}";

    private static void Range(List<string> errors, string key, int value, int min, int max)
    {
        if (value < min || value > max) errors.Add($"{key}: {value} is outside {min}..{max}.");
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
    private static partial System.Text.RegularExpressions.Regex HostNameRegex();
}
