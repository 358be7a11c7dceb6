using System.Globalization;
using System.Threading.Channels;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Gate;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Updates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Telegram.Sending;

/// <summary>
/// "Cards everywhere are one card": when a card created on Telegram is resolved in another channel (confirmed, refused,
/// cancelled or expired on the web page or through the REST API), its Telegram message is edited to the result.
/// The edit runs here, off the confirming request, so a slow or unreachable Telegram never delays the web caller; a
/// failed edit falls back to a new message (<see cref="TelegramSender.EditAsync"/>) and never changes the outcome.
/// Presses on Telegram itself edit their card in <see cref="TelegramUpdateHandler"/>.
/// </summary>
public sealed class TelegramCardEditor(
    ConfirmationEvents events,
    TelegramCardMessages cards,
    TelegramSender sender,
    TelegramReplyRenderer renderer,
    ILogger<TelegramCardEditor> logger) : BackgroundService
{
    // Bounded so a flood can never grow memory; an edit dropped when full is logged (the result already reached the caller).
    private readonly Channel<ConfirmationResolved> _queue = Channel.CreateBounded<ConfirmationResolved>(
        new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private IDisposable? _subscription;

    /// <inheritdoc />
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = events.Subscribe((resolved, _) =>
        {
            if (resolved.Channel == TelegramUpdateHandler.Channel && resolved.ResolvedInChannel != TelegramUpdateHandler.Channel && !_queue.Writer.TryWrite(resolved))
                logger.LogWarning("Too many card edits waiting; card {ConfirmationId} is not edited", resolved.ConfirmationId);
            return Task.CompletedTask;
        });
        return base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var resolved in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                await EditAsync(resolved, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task EditAsync(ConfirmationResolved resolved, CancellationToken ct)
    {
        try
        {
            if (await cards.TakeAsync(resolved.ConfirmationId, ct).ConfigureAwait(false) is not { } card)
            {
                logger.LogDebug("Card {ConfirmationId} was resolved in {Channel} but its Telegram message is not known", resolved.ConfirmationId, resolved.ResolvedInChannel);
                return;
            }
            var who = new Principal(resolved.UserId, resolved.UserName, UserRole.Admin);
            await sender.EditAsync(card.ChatId, card.MessageId, renderer.RenderPressResult(resolved.Reply, who, resolved.ResolvedInChannel), ct).ConfigureAwait(false);
            logger.LogInformation("Edited the Telegram card {ConfirmationId} in chat {ChatId}: resolved in {Channel} ({Kind})",
                resolved.ConfirmationId, card.ChatId.ToString(CultureInfo.InvariantCulture), resolved.ResolvedInChannel, resolved.Reply.Kind);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Could not show the result of card {ConfirmationId} on Telegram: {Error}", resolved.ConfirmationId, e.Message);
        }
    }
}
