using System.Diagnostics.CodeAnalysis;
using System.Net.Sockets;

namespace AiTradingBot.Docker;

/// <summary>Where the Engine API listens: a unix socket or a TCP address (usually a socket proxy).</summary>
public sealed record DockerEndpoint
{
    private DockerEndpoint(string text, string? socketPath, string? host, int port)
    {
        Text = text;
        SocketPath = socketPath;
        Host = host;
        Port = port;
    }

    /// <summary>The endpoint as configured, e.g. <c>unix:///var/run/docker.sock</c>; safe to show to users.</summary>
    public string Text { get; }

    /// <summary>The socket file for <c>unix://</c> endpoints.</summary>
    public string? SocketPath { get; }

    /// <summary>Host name for <c>tcp://</c> endpoints.</summary>
    public string? Host { get; }

    /// <summary>Port for <c>tcp://</c> endpoints.</summary>
    public int Port { get; }

    /// <summary>True for a unix socket.</summary>
    public bool IsUnixSocket => SocketPath is not null;

    /// <summary>Base address for HTTP requests; the host part is a placeholder for unix sockets.</summary>
    public Uri BaseAddress => IsUnixSocket ? new Uri("http://docker/") : new Uri($"http://{Host}:{Port}/");

    /// <inheritdoc />
    public override string ToString() => Text;

    /// <summary>Parses <c>unix:///path</c>, <c>tcp://host:port</c> or <c>http://host:port</c>.</summary>
    public static DockerEndpoint Parse(string text) =>
        TryParse(text, out var endpoint, out var error) ? endpoint : throw new ArgumentException(error, nameof(text));

    /// <summary>Parses an endpoint, or says what is wrong with it.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DockerEndpoint? endpoint, [NotNullWhen(false)] out string? error)
    {
        endpoint = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            error = "empty; use unix:///var/run/docker.sock or tcp://host:port.";
            return false;
        }
        if (text.StartsWith("unix://", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["unix://".Length..];
            if (!path.StartsWith('/'))
            {
                error = $"'{text}' needs an absolute socket path, e.g. unix:///var/run/docker.sock.";
                return false;
            }
            endpoint = new DockerEndpoint(text, path, null, 0);
            error = null;
            return true;
        }
        if (text.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            var rest = text[(text.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');
            if (Uri.TryCreate("http://" + rest, UriKind.Absolute, out var uri) && uri.AbsolutePath == "/" && !string.IsNullOrEmpty(uri.Host)
                && !rest.Contains('@'))
            {
                var port = uri.IsDefaultPort && !rest.EndsWith(":80", StringComparison.Ordinal) ? 2375 : uri.Port;
                endpoint = new DockerEndpoint(text, null, uri.Host, port);
                error = null;
                return true;
            }
            error = $"'{text}' is not host:port, e.g. tcp://socket-proxy:2375.";
            return false;
        }
        error = $"'{text}' is neither unix:///path nor tcp://host:port (TLS endpoints are not supported; use a socket proxy).";
        return false;
    }

    /// <summary>Opens a connection to the endpoint (the transport under HTTP/1.1).</summary>
    internal async ValueTask<Stream> ConnectAsync(CancellationToken ct)
    {
        if (SocketPath is not null)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(SocketPath), ct).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(Host!, Port, ct).ConfigureAwait(false);
            return new NetworkStream(tcp, ownsSocket: true);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP handler whose connections go to this endpoint.</summary>
    internal SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = (_, ct) => ConnectAsync(ct),
        // The daemon is local or a proxy next to us; keep connections for fan-out without unbounded reuse.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
    };
}
