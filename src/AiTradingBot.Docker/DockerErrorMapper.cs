using System.Net.Sockets;
using System.Text.Json;
using AiTradingBot.Core.Containers;

namespace AiTradingBot.Docker;

/// <summary>
/// Turns daemon answers and transport failures into the core's typed exceptions, with messages that say what
/// happened (naming the endpoint and container) and what to do.
/// </summary>
internal static class DockerErrorMapper
{
    private const int MaxDaemonMessage = 300;

    /// <summary>The daemon's <c>{"message": ...}</c>, or the raw body when it is not JSON.</summary>
    public static string ExtractMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body)) return "";
        var text = body.Trim();
        if (text.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind == JsonValueKind.Object
                    && doc.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                    text = m.GetString() ?? "";
            }
            catch (JsonException)
            {
                // Not JSON after all: show the raw text.
            }
        }
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > MaxDaemonMessage ? text[..MaxDaemonMessage] + "…" : text;
    }

    /// <summary>Maps a non-success HTTP status from the daemon.</summary>
    /// <param name="status">HTTP status code.</param>
    /// <param name="body">Response body (Docker sends <c>{"message": ...}</c>).</param>
    /// <param name="endpoint">Where the request went.</param>
    /// <param name="operation">What we tried, e.g. <c>stop container 'alpha'</c>.</param>
    /// <param name="container">The container the request was about, if any.</param>
    public static ContainerRuntimeException FromStatus(int status, string? body, DockerTarget endpoint, string operation, string? container)
    {
        var said = ExtractMessage(body);
        var saidPart = said.Length > 0 ? $": {said}" : "";
        switch (status)
        {
            case 404 when container is not null:
                return new ContainerNotFoundException(container,
                    $"Container '{container}' does not exist on docker {endpoint}. Check the system's Container setting "
                    + "(Systems:<name>:Container) or launch it first.");
            case 404 when said.Contains("image", StringComparison.OrdinalIgnoreCase):
                return new ContainerRuntimeException(
                    $"Could not {operation}: the image is not present on docker {endpoint}{saidPart}. Pull or build the image on that host first.");
            case 404:
                return new ContainerRuntimeException($"Docker at {endpoint} found nothing to {operation}{saidPart}.");
            case 401 or 403:
                return new ContainerRuntimeAccessDeniedException(
                    $"Docker at {endpoint} refused to {operation} (HTTP {status}{saidPart}). If this is a socket proxy, allow the API "
                    + "section it needs (CONTAINERS=1, POST=1, and EXEC=1 for execute); otherwise check the daemon's authorization plugin.");
            case 409:
                return new ContainerRuntimeConflictException(status,
                    $"Docker at {endpoint} could not {operation} because of a conflict{saidPart}. Check the container's current state and try again.");
            case >= 500:
                return new ContainerRuntimeConflictException(status,
                    $"Docker at {endpoint} failed to {operation} (HTTP {status}{saidPart}). Check the daemon's logs; retrying may help if it was transient.");
            case 400:
                return new ContainerRuntimeException($"Docker at {endpoint} rejected the request to {operation} as invalid{saidPart}.");
            default:
                return new ContainerRuntimeException($"Docker at {endpoint} answered HTTP {status} to {operation}{saidPart}.");
        }
    }

    /// <summary>Maps a failure to connect or to read an answer.</summary>
    public static ContainerRuntimeException FromTransport(Exception ex, DockerTarget endpoint, string operation)
    {
        var socketError = FindSocketError(ex);
        if (socketError == SocketError.AccessDenied)
            return new ContainerRuntimeAccessDeniedException(
                $"Permission denied on docker {endpoint} while trying to {operation}. Run the assistant as a user allowed to use the socket "
                + $"(e.g. in the docker group), or put a socket proxy in front of it and set {endpoint.EndpointKey}=tcp://socket-proxy:2375.", ex);

        string why;
        if (endpoint.Endpoint.SocketPath is { } socket && !File.Exists(socket))
            why = $"the socket file {socket} does not exist";
        else
            why = socketError switch
            {
                SocketError.ConnectionRefused => "connection refused",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "the host name does not resolve",
                SocketError.TimedOut => "the connection timed out",
                SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => "the connection was dropped",
                null when ex is HttpRequestException or IOException => "the connection was dropped before the answer was complete",
                _ => ex.Message,
            };
        return new ContainerRuntimeUnavailableException(
            $"Docker at {endpoint} is not reachable ({why}) while trying to {operation}. Check that the Docker daemon (or socket proxy) "
            + $"is running, and that {endpoint.EndpointKey} points to it.", ex);
    }

    /// <summary>The daemon did not answer in time.</summary>
    public static ContainerRuntimeUnavailableException Timeout(DockerTarget endpoint, string operation, TimeSpan timeout, Exception inner) =>
        new($"Docker at {endpoint} did not answer within {timeout.TotalSeconds:0.#} s while trying to {operation}. The daemon may be "
            + "overloaded or hung; check it, or raise Docker:RequestTimeoutSeconds.", inner);

    private static SocketError? FindSocketError(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
            if (ex is SocketException se) return se.SocketErrorCode;
        return null;
    }
}
