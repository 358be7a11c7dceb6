using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Redis;

/// <summary>
/// Notification fan-out between instances over Redis pub/sub. Rule that keeps every notification delivered once per
/// channel: the instance that raises a notification delivers it to the shared channels (Telegram) itself, through its
/// own hub, and also publishes it here (as an <see cref="INotificationChannel"/>); other instances receive it from
/// <see cref="ReceiveRemoteAsync"/> only to show on their instance-local sinks (a console session), never to re-send to
/// shared channels. Messages an instance published itself are ignored on receipt. Delivery is at most once: an
/// instance that is disconnected while a notification is published misses it.
/// </summary>
public sealed class RedisNotificationBus : INotificationChannel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly RedisClient _client;
    private readonly RedisSubscriber _subscriber;
    private readonly ILogger<RedisNotificationBus> _logger;

    /// <summary>Creates the bus.</summary>
    public RedisNotificationBus(RedisClient client, RedisSubscriber subscriber, IOptions<RedisOptions> options, ILogger<RedisNotificationBus> logger)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _subscriber = subscriber ?? throw new ArgumentNullException(nameof(subscriber));
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
        await _client.PublishAsync(Channel, JsonSerializer.Serialize(envelope, Json), ct).ConfigureAwait(false);
    }

    /// <summary>Notifications raised by other instances, from subscription until <paramref name="ct"/> fires.</summary>
    public async IAsyncEnumerable<Notification> ReceiveRemoteAsync([EnumeratorCancellation] CancellationToken ct)
    {
        await using var subscription = await _subscriber.SubscribeAsync(Channel, ct: ct).ConfigureAwait(false);
        await foreach (var message in subscription.ReadAllAsync(ct).ConfigureAwait(false))
        {
            RedisNotificationEnvelope? envelope;
            try
            {
                envelope = JsonSerializer.Deserialize<RedisNotificationEnvelope>(message.Message, Json);
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
}
