using AiTradingBot.Core.Containers;

namespace AiTradingBot.Docker;

/// <summary>A remove was refused because the container does not carry the managed label.</summary>
public sealed class UnmanagedContainerException(string container, string message) : ContainerRuntimeException(message)
{
    /// <summary>The container that was not removed.</summary>
    public string Container { get; } = container;
}
