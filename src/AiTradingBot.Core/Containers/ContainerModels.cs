namespace AiTradingBot.Core.Containers;

/// <summary>State of one container as inspected.</summary>
public sealed record ContainerInfo(
    string Name,
    string Id,
    string State,
    bool Running,
    string? Health,
    int RestartCount,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int? ExitCode,
    bool Tty,
    string? Image,
    IReadOnlyDictionary<string, string> Labels,
    string? RestartPolicy);

/// <summary>Resource usage of one container; every figure is optional because runtimes differ.</summary>
public sealed record ContainerStats(
    double? CpuPercent,
    long? MemoryUsedBytes,
    long? MemoryLimitBytes,
    int? Pids);

/// <summary>What to read from a container's logs.</summary>
public sealed record LogQuery(int Tail, TimeSpan? Since = null, string? Grep = null, bool Timestamps = false);

/// <summary>Which stream a log line came from.</summary>
public enum LogStream { Stdout, Stderr }

/// <summary>One log line.</summary>
public sealed record LogLine(LogStream Stream, string Text, DateTimeOffset? Timestamp = null);

/// <summary>Outcome of start/stop/restart; <see cref="AlreadyInState"/> is Docker's 304.</summary>
public sealed record ContainerActionResult(string Container, bool AlreadyInState, TimeSpan Elapsed);

/// <summary>Output and exit code of an allowlisted command.</summary>
public sealed record ExecResult(int ExitCode, string Output, bool Truncated);

/// <summary>A new bot container to create from a configured template.</summary>
public sealed record LaunchRequest(
    string Name,
    string Image,
    IReadOnlyList<string>? Command,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Labels,
    TimeSpan StopTimeout,
    string RestartPolicy,
    long? MemoryLimitBytes = null,
    double? Cpus = null);

/// <summary>A container summary from a list call.</summary>
public sealed record ContainerSummary(string Id, string Name, string State, string Status, string? Image, IReadOnlyDictionary<string, string> Labels);

/// <summary>Names of container hosts (<c>Docker:Hosts:&lt;name&gt;</c>); <c>Docker:Endpoint</c> is the host <see cref="Default"/>.</summary>
public static class ContainerHosts
{
    /// <summary>The host of systems and templates that name none.</summary>
    public const string Default = "default";

    /// <summary>True for the default host (empty means default).</summary>
    public static bool IsDefault(string? host) => string.IsNullOrWhiteSpace(host) || string.Equals(host.Trim(), Default, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Store key marking a state change of a container as the assistant's own (so the watcher does not call it unexpected);
    /// the default host keeps the key it always had.
    /// </summary>
    public static string ExpectedChangeKey(string host, string container) =>
        IsDefault(host) ? $"watch:expected:{container}" : $"watch:expected:{Normalize(host)}/{container}";

    /// <summary>The canonical (lower-case) host name, <see cref="Default"/> for empty.</summary>
    public static string Normalize(string? host) => IsDefault(host) ? Default : host!.Trim().ToLowerInvariant();
}

/// <summary>What happened to a container, from the runtime's event stream.</summary>
public enum ContainerEventKind { Died, Started, Restarted, HealthChanged, Removed }

/// <summary>
/// One container event; <see cref="Key"/> identifies it across a reconnect's replay. <paramref name="Managed"/>: the container
/// carries the managed label (launched by the assistant), so the watch can follow bots it was not configured with.
/// </summary>
public sealed record ContainerEvent(
    ContainerEventKind Kind,
    string ContainerId,
    string ContainerName,
    DateTimeOffset Time,
    long TimeNano,
    int? ExitCode = null,
    string? Health = null,
    bool Managed = false)
{
    /// <summary>Same event, same key (the daemon replays events after <c>since</c> on reconnect).</summary>
    public string Key => $"{TimeNano}/{ContainerId}/{Kind}";
}
