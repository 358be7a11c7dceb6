using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Bybit;

/// <summary>
/// The private WebSocket listener: authenticates (<c>op: auth</c>), subscribes to execution, order, position and
/// wallet, pings every 20 s, delivers executions to the fills path, and reconnects with backoff. After every
/// (re)connect and subscription it reconciles from the execution history, so a gap loses nothing.
/// </summary>
internal sealed class BybitPrivateStream(
    BybitRestClient rest,
    BybitServerClock clock,
    BybitReconciler reconciler,
    BybitExecutionDelivery delivery,
    IOptions<BybitOptions> options,
    TimeProvider time,
    ILogger<BybitPrivateStream> log) : BackgroundService
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(10);
    private static readonly string[] Topics = ["execution", "order", "position", "wallet"];
    private const int MaxBatch = 500;
    private readonly BybitOptions _options = options.Value;
    private BybitSocket? _socket;
    private int _connections;
    private volatile bool _live;

    /// <summary>Successful connections (authenticated, subscribed and reconciled) so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Whether the stream is connected, subscribed and reconciled.</summary>
    public bool Live => _live;

    /// <summary>Aborts the current connection (the loop reconnects); for operators' diagnostics and tests.</summary>
    public async Task DropAsync()
    {
        if (_socket is { } s) await s.DisposeAsync().ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunConnectionAsync(stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(500);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (ExchangeException e) when (e.Code is "10003" or "10004" or "10005" or "10010" or "auth")
            {
                // Configuration problems do not heal by retrying quickly.
                log.LogError("Bybit private stream cannot authenticate: {Reason}", e.Message);
                delay = _options.MaxReconnectDelay;
            }
            catch (Exception e) when (e is WebSocketException or ExchangeException or JsonException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                log.LogWarning("Bybit private stream disconnected: {Reason}; reconnecting in {DelayMs} ms", e.Message, (long)delay.TotalMilliseconds);
            }
            catch (Exception e)
            {
                log.LogError(e, "Bybit private stream failed; reconnecting in {DelayMs} ms", (long)delay.TotalMilliseconds);
            }
            finally { _live = false; }
            try { await Task.Delay(Jitter(delay), time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            AiTradingBot.Core.Telemetry.AiTradingBotTelemetry.ExchangeStreamReconnects.Add(1);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
        }
    }

    private async Task RunConnectionAsync(CancellationToken ct)
    {
        if (!clock.Synced) await rest.SyncTimeAsync(ct).ConfigureAwait(false);
        await using var socket = await BybitSocket.ConnectAsync(_options.PrivateStreamUri, ReplyTimeout, ct).ConfigureAwait(false);
        _socket = socket;
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(ct);
        try
        {
            var expires = clock.NowMs + 10_000;
            await socket.SendAsync(new { req_id = "auth", op = "auth", args = new object[] { _options.ApiKey!, expires, rest.Signer.SignWebSocket(expires) } }, ct).ConfigureAwait(false);
            await ExpectReplyAsync(socket, "auth", ct).ConfigureAwait(false);
            await socket.SendAsync(new { req_id = "sub", op = "subscribe", args = Topics }, ct).ConfigureAwait(false);
            await ExpectReplyAsync(socket, "subscribe", ct).ConfigureAwait(false);

            var pings = socket.PingLoopAsync(_options.PingInterval, time, connection.Token);
            // Subscribed first, then reconciled: anything executed meanwhile is in the history or waiting in the socket.
            await reconciler.ReconcileAsync(ct).ConfigureAwait(false);
            Interlocked.Increment(ref _connections);
            _live = true;
            log.LogInformation("Bybit private stream live ({Environment}), connection {Count}", _options.ParsedEnvironment, Connections);

            // Reading and storing run apart: under load the store takes everything queued as one batch.
            var queue = Channel.CreateUnbounded<ExecutionReport>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            var storing = StoreAsync(queue.Reader, connection);
            try
            {
                while (!connection.IsCancellationRequested)
                {
                    using var message = await socket.ReceiveAsync(connection.Token).ConfigureAwait(false)
                        ?? throw new WebSocketException("Bybit closed the private stream");
                    Handle(message.RootElement, queue.Writer);
                }
            }
            finally
            {
                // What was received is still stored (unless the store failed); the next reconciliation covers the rest.
                queue.Writer.TryComplete();
                await storing.ConfigureAwait(false);
            }
            ct.ThrowIfCancellationRequested();
            throw new IOException("storing executions failed");
        }
        finally
        {
            _socket = null;
            await connection.CancelAsync().ConfigureAwait(false);
        }
    }

    private async Task StoreAsync(ChannelReader<ExecutionReport> queue, CancellationTokenSource connection)
    {
        var batch = new List<ExecutionReport>(MaxBatch);
        try
        {
            while (await queue.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (batch.Count < MaxBatch && queue.TryRead(out var e)) batch.Add(e);
                await delivery.DeliverAsync(batch, CancellationToken.None).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (Exception e)
        {
            // A failing store ends the connection: the reconnect's reconciliation delivers these again.
            log.LogError("Storing Bybit executions failed: {Reason}; reconnecting to reconcile", e.Message);
            await connection.CancelAsync().ConfigureAwait(false);
        }
    }

    private void Handle(JsonElement m, ChannelWriter<ExecutionReport> queue)
    {
        var topic = m.Str("topic");
        // Only Bybit's fixed private topics become labels; anything else is counted as "other".
        if (topic is not null) AiTradingBot.Core.Telemetry.AiTradingBotTelemetry.ExchangeStreamMessages.Add(1,
            new KeyValuePair<string, object?>("topic", topic is "execution" or "order" or "position" or "wallet" ? topic : "other"));
        switch (topic)
        {
            case "execution":
                foreach (var e in m.Items("data"))
                    if (BybitMapping.ToExecution(e) is { } execution) queue.TryWrite(execution);
                break;
            case "order":
                foreach (var o in m.Items("data"))
                    log.LogDebug("Bybit order {OrderLinkId} {OrderId} {Status}", o.Str("orderLinkId"), o.Str("orderId"), o.Str("orderStatus"));
                break;
            case "position" or "wallet":
                break; // positions and balances are read on demand through REST; the fills path keeps per-bot positions
            default:
                if (m.Str("op") is "auth" or "subscribe" && m.Str("success") == "false")
                    throw new ExchangeException($"Bybit private stream {m.Str("op")} failed: {m.Str("ret_msg")}", "auth");
                break;
        }
    }

    private async Task ExpectReplyAsync(BybitSocket socket, string op, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReplyTimeout);
        while (true)
        {
            using var reply = await socket.ReceiveAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new WebSocketException($"Bybit closed the private stream during {op}");
            var r = reply.RootElement;
            if (r.Str("op") != op) continue;
            if (r.Str("success") == "true") return;
            var msg = r.Str("ret_msg") ?? "refused";
            throw new ExchangeException(op == "auth"
                ? $"Bybit refused the private stream login ({msg}). Check Bybit:ApiKey and Bybit:ApiSecret for the {_options.ParsedEnvironment} environment."
                : $"Bybit refused the subscription: {msg}", "auth");
        }
    }

    private static TimeSpan Jitter(TimeSpan delay) => delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250));
}
