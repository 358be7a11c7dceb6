using System.Net;
using System.Net.Sockets;

namespace AiTradingBot.Host.Tests.Observability;

/// <summary>
/// Makes a real server appear on a port that was closed until now: listens on <c>127.0.0.1:port</c> and pipes every
/// connection to the real server's address. Before <see cref="StartAsync"/> the port refuses connections, exactly as a
/// database that is not up yet does.
/// </summary>
internal sealed class TcpForwarder : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private Task _accept = Task.CompletedTask;

    private TcpForwarder(int port, string targetHost, int targetPort)
    {
        _listener = new TcpListener(IPAddress.Loopback, port);
        _targetHost = targetHost;
        _targetPort = targetPort;
    }

    public static TcpForwarder Start(int port, string targetHost, int targetPort)
    {
        var forwarder = new TcpForwarder(port, targetHost, targetPort);
        forwarder._listener.Start();
        forwarder._accept = forwarder.AcceptLoopAsync();
        return forwarder;
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(TcpClient client)
    {
        using var target = new TcpClient();
        lock (_open) { _open.Add(client); _open.Add(target); }
        try
        {
            await target.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            var a = client.GetStream();
            var b = target.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_open) foreach (var c in _open) c.Dispose();
        await _accept;
        _stop.Dispose();
    }
}
