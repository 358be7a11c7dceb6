using System.Net;
using System.Net.Sockets;

namespace AiTradingBot.Host.Tests.Observability;

/// <summary>
/// Makes a real server appear on an address that was closed until now: listens on a loopback TCP port or a unix socket
/// path and pipes every connection to the real server's address. Before it starts, the address refuses connections,
/// exactly as a database or Docker daemon that is not up yet does.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly EndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Task _accept;

    private TcpForwarder(EndPoint listen, EndPoint target)
    {
        _target = target;
        _listener = new Socket(listen.AddressFamily, SocketType.Stream, listen is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        _listener.Bind(listen);
        _listener.Listen(64);
        _accept = AcceptLoopAsync();
    }

    /// <summary>Forwards 127.0.0.1:<paramref name="port"/> to a TCP server.</summary>
    public static TcpForwarder Start(int port, string targetHost, int targetPort) =>
        new(new IPEndPoint(IPAddress.Loopback, port), new IPEndPoint(IPAddress.TryParse(targetHost, out var ip) ? ip : Dns.GetHostAddresses(targetHost)[0], targetPort));

    /// <summary>Forwards a new unix socket at <paramref name="path"/> to another unix socket.</summary>
    public static TcpForwarder StartUnix(string path, string targetPath) =>
        new(new UnixDomainSocketEndPoint(path), new UnixDomainSocketEndPoint(targetPath));

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(Socket client)
    {
        var target = new Socket(_target is UnixDomainSocketEndPoint ? AddressFamily.Unix : AddressFamily.InterNetwork, SocketType.Stream,
            _target is UnixDomainSocketEndPoint ? ProtocolType.Unspecified : ProtocolType.Tcp);
        lock (_open) { _open.Add(client); _open.Add(target); }
        try
        {
            await target.ConnectAsync(_target, _stop.Token);
            await using var a = new NetworkStream(client, ownsSocket: false);
            await using var b = new NetworkStream(target, ownsSocket: false);
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            target.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        var unixPath = (_listener.LocalEndPoint as UnixDomainSocketEndPoint)?.ToString();
        _listener.Dispose();
        if (!string.IsNullOrEmpty(unixPath)) File.Delete(unixPath);
        lock (_open) foreach (var s in _open) s.Dispose();
        await _accept;
        _stop.Dispose();
    }
}
