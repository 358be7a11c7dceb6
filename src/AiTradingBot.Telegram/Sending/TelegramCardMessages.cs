using System.Globalization;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Telegram.Sending;

/// <summary>Where a confirmation card was sent: its chat and the message that carries its buttons.</summary>
public sealed record TelegramCardMessage(long ChatId, long MessageId);

/// <summary>
/// Remembers which Telegram message shows each confirmation card (key <c>telegram:card:{id}</c> in the live-state
/// store, shared by instances), so a card resolved in another channel (the web page, the REST API) is edited to its
/// result. Kept until the card's expiry plus the gate's tombstone: a late press elsewhere still turns it into "expired".
/// </summary>
public sealed class TelegramCardMessages(IKeyValueStore store, TimeProvider time, ILogger<TelegramCardMessages> logger)
{
    /// <summary>Store key of a card's message.</summary>
    public static string Key(string confirmationId) => $"telegram:card:{confirmationId}";

    /// <summary>Records the message of a card just sent; a store failure is logged and only costs the later edit.</summary>
    public async Task RecordAsync(ConfirmationCard card, long chatId, long messageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(card);
        var ttl = card.ExpiresAt - time.GetUtcNow() + ConfirmationGate.Tombstone;
        if (ttl <= TimeSpan.Zero) return;
        try
        {
            await store.SetAsync(Key(card.Id), string.Create(CultureInfo.InvariantCulture, $"{chatId}:{messageId}"), ttl, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Could not record the Telegram message of card {ConfirmationId} ({Error}); it will not be edited if resolved elsewhere", card.Id, e.Message);
        }
    }

    /// <summary>Takes a card's message (once: the instance that takes it edits it), or null when unknown.</summary>
    public async Task<TelegramCardMessage?> TakeAsync(string confirmationId, CancellationToken ct)
    {
        var value = await store.GetDeleteAsync(Key(confirmationId), ct).ConfigureAwait(false);
        var colon = value?.IndexOf(':') ?? -1;
        if (value is null || colon < 0) return null;
        return long.TryParse(value.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chat)
            && long.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var message)
            ? new TelegramCardMessage(chat, message)
            : null;
    }
}
