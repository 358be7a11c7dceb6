using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Docker;

/// <summary>The production container runtime: the Docker Engine API (or a compatible one such as Podman's) via <see cref="DockerEngineClient"/>.</summary>
public sealed class DockerContainerRuntime(DockerEngineClient client) : IContainerRuntime
{
    /// <summary>The client underneath, for callers that need Docker-specific calls.</summary>
    public DockerEngineClient Client { get; } = client;

    /// <inheritdoc />
    public string Description => Client.ApiVersion is { } v ? $"docker {Client.Endpoint} (API {v})" : $"docker {Client.Endpoint}";

    /// <inheritdoc />
    public bool IsDemo => false;

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
