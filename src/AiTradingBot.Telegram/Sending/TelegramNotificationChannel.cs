using System.Globalization;
using System.Threading.Channels;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Telegram.Sending;

/// <summary>
/// Notifications to Telegram: to <see cref="Notification.ChatId"/> or else every admin (a user id is its private chat
/// with the bot). <see cref="SendAsync"/> only queues (bounded, oldest dropped) so Telegram being slow or down never
/// blocks trading; a background loop delivers. Per-kind levels (Telegram:Notifications) turn a kind off or silent.
/// </summary>
public sealed class TelegramNotificationChannel : BackgroundService, INotificationChannel
{
    private readonly Channel<Notification> _queue;
    private readonly TelegramSender _sender;
    private readonly TelegramOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the channel and its queue.</summary>
    public TelegramNotificationChannel(TelegramSender sender, IOptions<TelegramOptions> options, ILogger<TelegramNotificationChannel> logger)
    {
        _sender = sender;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<Notification>(new BoundedChannelOptions(_options.NotificationQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        }, dropped => _logger.LogWarning("Telegram notification queue is full; dropped a {Kind} notification", dropped.Kind));
    }

    /// <inheritdoc />
    public string Name => "telegram";

    /// <inheritdoc />
    public Task SendAsync(Notification notification, CancellationToken ct)
    {
        if (LevelOf(notification.Kind) == NotificationLevel.Off) return Task.CompletedTask;
        _queue.Writer.TryWrite(notification);
        return Task.CompletedTask;
    }

    /// <summary>Delivers one notification now to its targets (the background loop calls this).</summary>
    public async Task DeliverAsync(Notification notification, CancellationToken ct)
    {
        var level = LevelOf(notification.Kind);
        if (level == NotificationLevel.Off) return;
        var silent = notification.Silent || level == NotificationLevel.Silent;
        IEnumerable<long> targets = long.TryParse(notification.ChatId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var chat)
            ? [chat]
            : _options.AdminIds;
        var reply = OutgoingReply.Text(notification.Html) with
        {
            Photos = notification.Photo is { } photo ? [new OutgoingPhoto(photo.Png, photo.Caption)] : [],
        };
        foreach (var target in targets.Distinct())
        {
            try
            {
                await _sender.SendAsync(target, reply, silent, ct).ConfigureAwait(false);
            }
            catch (TelegramApiException e)
            {
                // 403: the admin never opened a chat with the bot or blocked it; the others still get it.
                _logger.LogWarning("Telegram {Kind} notification to chat {ChatId} failed: {Error}", notification.Kind, target, e.Message);
            }
        }
    }

    /// <summary>The configured level of a kind (On unless Telegram:Notifications says otherwise).</summary>
    public NotificationLevel LevelOf(NotificationKind kind) => _options.Notifications.GetValueOrDefault(kind, NotificationLevel.On);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await DeliverAsync(notification, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogError("Delivering a {Kind} notification failed: {Error}", notification.Kind, TelegramApi.Redact(e.Message, _options.BotToken));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
