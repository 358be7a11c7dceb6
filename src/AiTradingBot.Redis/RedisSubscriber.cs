using System.Text;
using AiTradingBot.Redis.Resp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Redis;

/// <summary>
/// Pub/sub receiver on its own connection (a subscribed connection can run no other commands). It stays connected
/// in the background and, after a drop, reconnects with backoff and subscribes every channel again.
/// </summary>
public sealed class RedisSubscriber : IAsyncDisposable, IDisposable
{
    // How often an idle subscriber checks that the server still answers.
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(30);

    private readonly RedisConnection _connection;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly Dictionary<string, List<RedisSubscription>> _channels = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private Task? _keeper;

    /// <summary>Creates the subscriber (it connects on the first subscription).</summary>
    public RedisSubscriber(RedisConnectionOptions options, ILogger<RedisSubscriber>? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _connection = new RedisConnection(options, _logger, time, OnPush, ResubscribeAsync);
    }

    /// <summary>True while the subscriber's connection is up.</summary>
    public bool IsConnected => _connection.IsConnected;

    internal RedisConnection Connection => _connection;

    /// <summary>
    /// Subscribes to a channel; returns once the server confirmed the subscription, so a message published after
    /// this returns is delivered (while the connection holds).
    /// </summary>
    public async Task<RedisSubscription> SubscribeAsync(string channel, int bufferCapacity = 1024, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferCapacity, 1);
        var subscription = new RedisSubscription(this, channel, bufferCapacity);
        await _changes.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            bool first;
            lock (_gate)
            {
                if (!_channels.TryGetValue(channel, out var list)) _channels[channel] = list = [];
                first = list.Count == 0;
                list.Add(subscription);
            }
            StartKeeper();
            try
            {
                // When this call is what connects, the handshake already subscribed; a second SUBSCRIBE is harmless.
                if (first) await _connection.ExecuteAsync(["SUBSCRIBE", channel], ct).ConfigureAwait(false);
            }
            catch
            {
                lock (_gate) Remove(subscription);
                throw;
            }
        }
        finally
        {
            _changes.Release();
        }
        return subscription;
    }

    internal async ValueTask RemoveAsync(RedisSubscription subscription)
    {
        subscription.Complete();
        await _changes.WaitAsync().ConfigureAwait(false);
        try
        {
            bool last;
            lock (_gate) last = Remove(subscription);
            if (last && _connection.IsConnected && !_stop.IsCancellationRequested)
            {
                try
                {
                    await _connection.ExecuteAsync(["UNSUBSCRIBE", subscription.Channel]).ConfigureAwait(false);
                }
                catch (RedisException ex)
                {
                    // The server forgets subscriptions of a dropped connection anyway; the resubscribe skips this channel.
                    _logger.LogDebug(ex, "UNSUBSCRIBE {Channel} failed", subscription.Channel);
                }
            }
        }
        finally
        {
            _changes.Release();
        }
    }

    private bool Remove(RedisSubscription subscription)
    {
        if (!_channels.TryGetValue(subscription.Channel, out var list) || !list.Remove(subscription)) return false;
        if (list.Count > 0) return false;
        _channels.Remove(subscription.Channel);
        return true;
    }

    private void StartKeeper()
    {
        lock (_gate) _keeper ??= Task.Run(KeepConnectedAsync);
    }

    // Reconnects as soon as the connection drops (rather than on the next command, as the command connection does),
    // because a subscriber only receives.
    private async Task KeepConnectedAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _connection.ConnectAsync(_stop.Token).ConfigureAwait(false);
                var session = _connection.CurrentSession;
                while (session is { IsDead: false })
                {
                    var closed = await Task.WhenAny(session.Closed, Task.Delay(KeepAliveInterval, _stop.Token)).ConfigureAwait(false);
                    if (closed == session.Closed) break;
                    // A silent peer (half-open TCP) is found by a PING that gets no reply: the timeout drops the session.
                    await _connection.ExecuteAsync(["PING"], _stop.Token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (RedisException ex)
            {
                // The connection's own backoff spaces the attempts.
                _logger.LogDebug(ex, "Redis subscriber reconnect attempt failed");
            }
        }
    }

    private async Task ResubscribeAsync(Func<string[], Task<RespValue>> send, CancellationToken ct)
    {
        string[] channels;
        lock (_gate) channels = [.. _channels.Keys];
        foreach (var channel in channels) await send(["SUBSCRIBE", channel]).WaitAsync(ct).ConfigureAwait(false);
        if (channels.Length > 0) _logger.LogInformation("Redis subscriber (re)subscribed to {Count} channels", channels.Length);
    }

    private void OnPush(RespValue push)
    {
        // RESP2 delivery: ["message", channel, payload] or ["pmessage", pattern, channel, payload].
        var items = push.Items;
        if (items.Count < 3) return;
        var kind = items[0].AsString();
        var (channel, payload) = kind == "pmessage" && items.Count >= 4 ? (items[2], items[3]) : (items[1], items[2]);
        var name = channel.AsString();
        if (name is null) return;
        RedisSubscription[] targets;
        lock (_gate)
        {
            if (!_channels.TryGetValue(name, out var list)) return;
            targets = [.. list];
        }
        var message = new RedisMessage(name, payload.Bytes is { } b ? Encoding.UTF8.GetString(b.Span) : "");
        foreach (var target in targets) target.Deliver(message);
    }

    /// <summary>Closes the connection and ends every subscription's stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        RedisSubscription[] all;
        lock (_gate)
        {
            all = [.. _channels.Values.SelectMany(l => l)];
            _channels.Clear();
        }
        foreach (var s in all) s.Complete();
        await _connection.DisposeAsync().ConfigureAwait(false);
        if (_keeper is not null) await _keeper.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Synchronous disposal for containers disposed synchronously; closing sockets does not block for long.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
