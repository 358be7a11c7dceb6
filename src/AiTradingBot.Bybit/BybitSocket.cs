using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AiTradingBot.Bybit;

/// <summary>One Bybit WebSocket connection: whole text messages in and out, and the JSON ping Bybit expects.</summary>
internal sealed class BybitSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _ws = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);

    private BybitSocket() => _ws.Options.KeepAliveInterval = TimeSpan.Zero; // Bybit wants its own JSON ping

    /// <summary>Opens a connection.</summary>
    public static async Task<BybitSocket> ConnectAsync(Uri uri, TimeSpan timeout, CancellationToken ct)
    {
        var socket = new BybitSocket();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            await socket._ws.ConnectAsync(uri, cts.Token).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            await socket.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Whether the connection is open.</summary>
    public bool Open => _ws.State == WebSocketState.Open;

    /// <summary>Sends one text message.</summary>
    public async Task SendAsync(string json, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try { await _ws.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, ct).ConfigureAwait(false); }
        finally { _sendLock.Release(); }
    }

    /// <summary>Sends an object as JSON.</summary>
    public Task SendAsync(object message, CancellationToken ct) => SendAsync(JsonSerializer.Serialize(message), ct);

    /// <summary>The next whole message as JSON, or null when the server closed the connection.</summary>
    public async Task<JsonDocument?> ReceiveAsync(CancellationToken ct)
    {
        _buffer.ResetWrittenCount();
        while (true)
        {
            var memory = _buffer.GetMemory(8192);
            var result = await _ws.ReceiveAsync(memory, ct).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            _buffer.Advance(result.Count);
            if (result.EndOfMessage) return JsonDocument.Parse(_buffer.WrittenMemory);
        }
    }

    /// <summary>Sends <c>{"op":"ping"}</c> every <paramref name="interval"/> until cancelled or the connection fails.</summary>
    public async Task PingLoopAsync(TimeSpan interval, TimeProvider time, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested && Open)
            {
                await Task.Delay(interval, time, ct).ConfigureAwait(false);
                await SendAsync("{\"op\":\"ping\"}", ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
        catch (WebSocketException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>Closes, without waiting long for the server.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_ws.State == WebSocketState.Open)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _ws.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        _ws.Dispose();
        _sendLock.Dispose();
    }
}
