using AiTradingBot.Core.Containers;

namespace AiTradingBot.Core.Ports;

/// <summary>
/// The container runtime that runs the trading systems (Docker Engine API, or clearly labelled demo systems).
/// Failures throw <see cref="ContainerRuntimeException"/> subtypes whose messages say what to do.
/// </summary>
public interface IContainerRuntime
{
    /// <summary>What this is and where it points, e.g. <c>docker unix:///var/run/docker.sock</c> or <c>DEMO</c>.</summary>
    string Description { get; }

    /// <summary>True for the demo runtime: replies must say so.</summary>
    bool IsDemo { get; }

    /// <summary>State of a container.</summary>
    Task<ContainerInfo> InspectAsync(string container, CancellationToken ct);

    /// <summary>One sample of resource usage (CPU % computed by the adapter).</summary>
    Task<ContainerStats> GetStatsAsync(string container, CancellationToken ct);

    /// <summary>Start a container.</summary>
    Task<ContainerActionResult> StartAsync(string container, CancellationToken ct);

    /// <summary>Stop a container, giving it <paramref name="timeout"/> after SIGTERM before it is killed.</summary>
    Task<ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct);

    /// <summary>Restart a container with the same grace period semantics as stop.</summary>
    Task<ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct);

    /// <summary>Last lines of a container's logs.</summary>
    Task<IReadOnlyList<LogLine>> GetLogsAsync(string container, LogQuery query, CancellationToken ct);

    /// <summary>Run an argv (already allowlisted) in a container.</summary>
    Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct);

    /// <summary>Containers, optionally only those carrying a label (key or key=value).</summary>
    Task<IReadOnlyList<ContainerSummary>> ListAsync(string? label, CancellationToken ct);

    /// <summary>Create and start a container from a template.</summary>
    Task<ContainerInfo> LaunchAsync(LaunchRequest request, CancellationToken ct);

    /// <summary>Remove a (stopped or running) container.</summary>
    Task RemoveAsync(string container, bool force, CancellationToken ct);

    /// <summary>The container hosts this runtime reaches, by name; a single-host runtime has only <see cref="ContainerHosts.Default"/>.</summary>
    IReadOnlyList<string> Hosts => [ContainerHosts.Default];

    /// <summary>The runtime of one host (<c>Systems:&lt;name&gt;:Host</c>); a single-host runtime is its own default host.</summary>
    IContainerRuntime OnHost(string host) =>
        ContainerHosts.IsDefault(host)
            ? this
            : throw new ContainerRuntimeException($"No container host '{host}' is configured ({Description}). Add Docker:Hosts:{host}:Endpoint or fix the Host setting.");

    /// <summary>
    /// Container lifecycle events (die, start, restart, health) as the runtime reports them, from <paramref name="since"/> on
    /// when given (so a reconnect replays what it missed). Ends when the stream is dropped; throws when the runtime is unreachable.
    /// Runtimes without an event stream return null (callers then poll).
    /// </summary>
    IAsyncEnumerable<ContainerEvent>? WatchEvents(DateTimeOffset? since, CancellationToken ct) => null;
}
