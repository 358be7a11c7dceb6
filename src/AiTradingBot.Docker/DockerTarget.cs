using AiTradingBot.Core.Containers;

namespace AiTradingBot.Docker;

/// <summary>One configured Docker host: its name (<c>default</c> is <c>Docker:Endpoint</c>) and where its Engine API listens.</summary>
public sealed record DockerTarget(string Host, DockerEndpoint Endpoint)
{
    /// <summary>The default host at <paramref name="endpoint"/>.</summary>
    public static implicit operator DockerTarget(DockerEndpoint endpoint) => new(ContainerHosts.Default, endpoint);

    /// <summary>True for the host of <c>Docker:Endpoint</c>.</summary>
    public bool IsDefault => ContainerHosts.IsDefault(Host);

    /// <summary>The configuration key of this host's endpoint, for messages that say what to fix.</summary>
    public string EndpointKey => IsDefault ? "Docker:Endpoint" : $"Docker:Hosts:{Host}:Endpoint";

    /// <summary>The endpoint for the default host (as before several hosts existed), else the host named with its endpoint.</summary>
    public override string ToString() => IsDefault ? Endpoint.Text : $"host '{Host}' ({Endpoint.Text})";
}
