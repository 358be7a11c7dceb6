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
}
