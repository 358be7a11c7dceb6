using System.Globalization;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Sending;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Telegram.Updates;

/// <summary>
/// Runs updates through the handler exactly once across restarts and instances: a ledger entry per update id in the
/// shared <see cref="IKeyValueStore"/> marks it started, then done. An update seen again after a crash mid-way is
/// not run a second time; its sender is told to check and resend. Chats run in parallel, each chat in order.
/// </summary>
public sealed class TelegramUpdateProcessor(
    TelegramUpdateHandler handler,
    IKeyValueStore store,
    TelegramSender sender,
    TelegramPrincipals principals,
    IOptions<TelegramOptions> options,
    ILogger<TelegramUpdateProcessor> logger)
{
    private const string Started = "started";
    private const string Done = "done";
    private static readonly TimeSpan LedgerTtl = TimeSpan.FromDays(2);
    private readonly TelegramOptions _options = options.Value;

    /// <summary>Handles a batch: chats in parallel (bounded), the updates of one chat in order.</summary>
    public Task ProcessBatchAsync(IReadOnlyList<TelegramUpdate> updates, CancellationToken ct)
    {
        if (updates.Count == 1) return ProcessAsync(updates[0], ct);
        var byChat = updates.GroupBy(u => TelegramUpdateHandler.ChatOf(u) ?? 0).Select(g => g.OrderBy(u => u.UpdateId).ToList()).ToList();
        return Parallel.ForEachAsync(byChat, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentChats, CancellationToken = ct },
            async (chatUpdates, token) =>
            {
                foreach (var update in chatUpdates) await ProcessAsync(update, token).ConfigureAwait(false);
            });
    }

    /// <summary>Handles one update unless it was handled (or started) before; never throws for a bad update.</summary>
    public async Task ProcessAsync(TelegramUpdate update, CancellationToken ct)
    {
        var key = $"telegram:update:{_options.BotId}:{update.UpdateId.ToString(CultureInfo.InvariantCulture)}";
        if (!await store.SetIfNotExistsAsync(key, Started, LedgerTtl, ct).ConfigureAwait(false))
        {
            var state = await store.GetAsync(key, ct).ConfigureAwait(false);
            if (state == Done)
            {
                logger.LogDebug("Update {UpdateId} was already handled", update.UpdateId);
                return;
            }
            logger.LogWarning("Update {UpdateId} was started before a restart and did not finish; it is not run again", update.UpdateId);
            await TellInterruptedAsync(update, ct).ConfigureAwait(false);
            await store.SetAsync(key, Done, LedgerTtl, ct).ConfigureAwait(false);
            return;
        }
        try
        {
            await handler.HandleAsync(update, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // One failing update (Telegram down, a bug) must not stop the others or the host.
            logger.LogError("Handling update {UpdateId} failed: {Error}", update.UpdateId, Redact(e));
        }
        await store.SetAsync(key, Done, LedgerTtl, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task TellInterruptedAsync(TelegramUpdate update, CancellationToken ct)
    {
        var from = update.Message?.From ?? update.CallbackQuery?.From;
        if (from is null || principals.Of(from).Role == UserRole.None || TelegramUpdateHandler.ChatOf(update) is not { } chatId) return;
        try
        {
            await sender.SendAsync(chatId, OutgoingReply.Text(
                "⚠️ A restart interrupted the handling of your last message, so it was not run again. Check /sitrep and send it again if needed."), false, ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            logger.LogWarning("Could not tell chat {ChatId} about an interrupted update: {Error}", chatId, e.Message);
        }
    }

    private string Redact(Exception e) => TelegramBotClient.Redact(e.Message, _options.BotToken);
}
