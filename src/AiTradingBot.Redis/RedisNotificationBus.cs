using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiTradingBot.Redis;

/// <summary>
/// Notification fan-out between instances over Redis pub/sub. Rule that keeps every notification delivered once per
/// channel: the instance that raises a notification delivers it to the shared channels (Telegram) itself, through its
/// own hub, and also publishes it here (as an <see cref="INotificationChannel"/>); other instances receive it from
/// <see cref="ReceiveRemoteAsync"/> only to show on their instance-local sinks (a console session), never to re-send to
/// shared channels. Messages an instance published itself are ignored on receipt. Delivery is at most once: an
/// instance that is disconnected while a notification is published misses it (the library subscribes again by itself
/// after a reconnect). Messages are read from the library's ordered queue, so they arrive in publication order.
/// </summary>
public sealed class RedisNotificationBus : INotificationChannel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly RedisConnection _connection;
    private readonly ILogger<RedisNotificationBus> _logger;
    private int _publishFailing;

    /// <summary>Creates the bus.</summary>
    public RedisNotificationBus(RedisConnection connection, IOptions<RedisOptions> options, ILogger<RedisNotificationBus> logger)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _logger = logger;
        var o = options.Value;
        Channel = o.KeyPrefix + o.NotificationChannel;
        InstanceId = string.IsNullOrWhiteSpace(o.InstanceId)
            ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
            : o.InstanceId;
    }

    /// <inheritdoc />
    public string Name => "redis-fanout";

    /// <summary>The pub/sub channel name (prefixed).</summary>
    public string Channel { get; }

    /// <summary>This instance's name in envelopes.</summary>
    public string InstanceId { get; }

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var envelope = new RedisNotificationEnvelope(InstanceId, notification.Kind, notification.Text, notification.Html, notification.ChatId, notification.Silent);
        try
        {
            await _connection.Client().PublishAsync(Channel, JsonSerializer.Serialize(envelope, Json), ct).ConfigureAwait(false);
            Interlocked.Exchange(ref _publishFailing, 0);
        }
        catch (RedisUnavailableException e)
        {
            // This instance has already delivered it to its own channels; only the other instances' consoles miss it.
            if (Interlocked.Exchange(ref _publishFailing, 1) == 0)
                _logger.LogWarning("Notifications are not fanned out to other instances: {Error}", e.Message);
        }
    }

    /// <summary>Notifications raised by other instances, from subscription until <paramref name="ct"/> fires.</summary>
    public async IAsyncEnumerable<Notification> ReceiveRemoteAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var queue = await SubscribeAsync(ct).ConfigureAwait(false);
        try
        {
            while (true)
            {
                ChannelMessage message;
                try
                {
                    message = await queue.ReadAsync(ct).ConfigureAwait(false);
                }
                catch (System.Threading.Channels.ChannelClosedException)
                {
                    yield break;
                }
                RedisNotificationEnvelope? envelope;
                try
                {
                    envelope = JsonSerializer.Deserialize<RedisNotificationEnvelope>((string?)message.Message ?? "null", Json);
                }
                catch (JsonException ex)
                {
                    _logger.LogWarning("Ignored a malformed notification on {Channel}: {Error}", Channel, ex.Message);
                    continue;
                }
                if (envelope is null || envelope.Origin == InstanceId) continue;
                yield return new Notification(envelope.Kind, envelope.Text, envelope.Html, envelope.ChatId) { Silent = envelope.Silent };
            }
        }
        finally
        {
            try
            {
                await queue.UnsubscribeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
            {
                // Unsubscribing from a server that is gone: nothing is left to release.
            }
        }
    }

    // Subscribes, retrying while Redis is unreachable (the reader is a background loop that must not die with it).
    private async Task<ChannelMessageQueue> SubscribeAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        var logged = false;
        while (true)
        {
            var multiplexer = await _connection.GetMultiplexerAsync(ct).ConfigureAwait(false);
            try
            {
                return await multiplexer.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel)).WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
            {
                if (!logged) _logger.LogWarning("Cannot subscribe to {Channel} yet: {Error}", Channel, _connection.Unavailable(e, "SUBSCRIBE").Message);
                logged = true;
            }
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(5000, delay.TotalMilliseconds * 2));
        }
    }
}
