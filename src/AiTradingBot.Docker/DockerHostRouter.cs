using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Docker;

/// <summary>
/// Several Docker hosts as one container runtime: the port's plain calls go to the host <c>default</c>, and
/// <see cref="OnHost"/> picks the host a system or launched bot lives on.
/// </summary>
public sealed class DockerHostRouter : IContainerRuntime
{
    private readonly Dictionary<string, DockerContainerRuntime> _hosts;

    /// <summary>Routes over <paramref name="hosts"/> (at least one; names unique).</summary>
    public DockerHostRouter(IEnumerable<DockerContainerRuntime> hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        _hosts = hosts.ToDictionary(h => h.Client.HostName, StringComparer.Ordinal);
        if (_hosts.Count == 0) throw new ArgumentException("At least one Docker host is needed.", nameof(hosts));
        Hosts = _hosts.Keys.OrderBy(h => ContainerHosts.IsDefault(h) ? 0 : 1).ThenBy(h => h, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Hosts { get; }

    /// <summary>Every host's runtime, default first.</summary>
    public IEnumerable<DockerContainerRuntime> Runtimes => Hosts.Select(h => _hosts[h]);

    /// <inheritdoc />
    public string Description => _hosts.Count == 1 ? _hosts.Values.First().Description : string.Join(", ", Runtimes.Select(r => r.Description));

    /// <inheritdoc />
    public bool IsDemo => false;

    /// <inheritdoc />
    public IContainerRuntime OnHost(string host) => Host(host);

    private DockerContainerRuntime Host(string host) =>
        _hosts.TryGetValue(ContainerHosts.Normalize(host), out var r)
            ? r
            : throw new ContainerRuntimeException(ContainerHosts.IsDefault(host)
                ? $"No default Docker host is configured (Docker:Endpoint), and this system or template names no Host. Set Docker:Endpoint or a Host among: {string.Join(", ", Hosts)}."
                : $"No Docker host '{host}' is configured. Add Docker:Hosts:{host}:Endpoint, or use one of: {string.Join(", ", Hosts)}.");

    private DockerContainerRuntime Default => Host(ContainerHosts.Default);

    /// <inheritdoc />
    public IAsyncEnumerable<ContainerEvent>? WatchEvents(DateTimeOffset? since, CancellationToken ct) => Default.WatchEvents(since, ct);

    /// <inheritdoc />
    public Task<ContainerInfo> InspectAsync(string container, CancellationToken ct) => Default.InspectAsync(container, ct);

    /// <inheritdoc />
    public Task<ContainerStats> GetStatsAsync(string container, CancellationToken ct) => Default.GetStatsAsync(container, ct);

    /// <inheritdoc />
    public Task<ContainerActionResult> StartAsync(string container, CancellationToken ct) => Default.StartAsync(container, ct);

    /// <inheritdoc />
    public Task<ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct) => Default.StopAsync(container, timeout, ct);

    /// <inheritdoc />
    public Task<ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct) => Default.RestartAsync(container, timeout, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<LogLine>> GetLogsAsync(string container, LogQuery query, CancellationToken ct) => Default.GetLogsAsync(container, query, ct);

    /// <inheritdoc />
    public Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct) => Default.ExecAsync(container, argv, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<ContainerSummary>> ListAsync(string? label, CancellationToken ct) => Default.ListAsync(label, ct);

    /// <inheritdoc />
    public Task<ContainerInfo> LaunchAsync(LaunchRequest request, CancellationToken ct) => Default.LaunchAsync(request, ct);

    /// <inheritdoc />
    public Task RemoveAsync(string container, bool force, CancellationToken ct) => Default.RemoveAsync(container, force, ct);
}
