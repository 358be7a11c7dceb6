using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Docker;

/// <summary>One Docker host as the core's container runtime: the Engine API (or Podman's compatible one) via <see cref="DockerEngineClient"/>.</summary>
public sealed class DockerContainerRuntime(DockerEngineClient client) : IContainerRuntime
{
    /// <summary>The client underneath, for callers that need Docker-specific calls.</summary>
    public DockerEngineClient Client { get; } = client;

    /// <inheritdoc />
    public string Description
    {
        get
        {
            var where = Client.Target.IsDefault ? $"docker {Client.Endpoint}" : $"docker {Client.HostName}={Client.Endpoint}";
            return Client.ApiVersion is { } v ? $"{where} (API {v})" : where;
        }
    }

    /// <inheritdoc />
    public bool IsDemo => false;

    /// <inheritdoc />
    public IReadOnlyList<string> Hosts => [Client.HostName];

    /// <inheritdoc />
    public IContainerRuntime OnHost(string host) =>
        string.Equals(ContainerHosts.Normalize(host), Client.HostName, StringComparison.Ordinal)
            ? this
            : throw new ContainerRuntimeException($"No Docker host '{host}' is configured (only '{Client.HostName}'). Add Docker:Hosts:{host}:Endpoint or fix the Host setting.");

    /// <inheritdoc />
    public IAsyncEnumerable<ContainerEvent>? WatchEvents(DateTimeOffset? since, CancellationToken ct) => Client.WatchEventsAsync(since, ct);

    /// <inheritdoc />
    public Task<ContainerInfo> InspectAsync(string container, CancellationToken ct) => Client.InspectAsync(container, ct);

    /// <inheritdoc />
    public Task<ContainerStats> GetStatsAsync(string container, CancellationToken ct) => Client.GetStatsAsync(container, ct);

    /// <inheritdoc />
    public Task<ContainerActionResult> StartAsync(string container, CancellationToken ct) => Client.StartAsync(container, ct);

    /// <inheritdoc />
    /// <remarks>A non-positive <paramref name="timeout"/> means <c>Docker:StopTimeoutSeconds</c>; it is always sent explicitly.</remarks>
    public Task<ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct) => Client.StopAsync(container, timeout, ct);

    /// <inheritdoc />
    public Task<ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct) => Client.RestartAsync(container, timeout, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<LogLine>> GetLogsAsync(string container, LogQuery query, CancellationToken ct) => Client.GetLogsAsync(container, query, ct);

    /// <inheritdoc />
    public Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct) => Client.ExecAsync(container, argv, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<ContainerSummary>> ListAsync(string? label, CancellationToken ct) => Client.ListAsync(label, ct);

    /// <inheritdoc />
    public Task<ContainerInfo> LaunchAsync(LaunchRequest request, CancellationToken ct) => Client.LaunchAsync(request, ct);

    /// <inheritdoc />
    /// <remarks>Refuses containers without <c>aitradingbot.managed=true</c> (<see cref="UnmanagedContainerException"/>).</remarks>
    public Task RemoveAsync(string container, bool force, CancellationToken ct) => Client.RemoveAsync(container, force, ct);
}
