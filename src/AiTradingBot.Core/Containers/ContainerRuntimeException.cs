namespace AiTradingBot.Core.Containers;

/// <summary>A container-runtime failure with a message a person can act on.</summary>
public class ContainerRuntimeException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The daemon could not be reached (socket missing, connection refused, timeout).</summary>
public sealed class ContainerRuntimeUnavailableException(string message, Exception? inner = null) : ContainerRuntimeException(message, inner);

/// <summary>The container does not exist.</summary>
public sealed class ContainerNotFoundException(string container, string message) : ContainerRuntimeException(message)
{
    /// <summary>The missing container's name.</summary>
    public string Container { get; } = container;
}

/// <summary>Access to the daemon was refused (socket permissions, proxy policy).</summary>
public sealed class ContainerRuntimeAccessDeniedException(string message, Exception? inner = null) : ContainerRuntimeException(message, inner);

/// <summary>The daemon answered with a conflict (409) or server error (5xx).</summary>
public sealed class ContainerRuntimeConflictException(int statusCode, string message) : ContainerRuntimeException(message)
{
    /// <summary>HTTP status from the daemon.</summary>
    public int StatusCode { get; } = statusCode;
}
