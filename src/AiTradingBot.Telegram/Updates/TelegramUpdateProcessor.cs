using System.Globalization;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Sending;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot.Types;

namespace AiTradingBot.Telegram.Updates;

/// <summary>
/// Runs updates through the handler exactly once across restarts and instances: a ledger entry per update id in the
/// shared <see cref="IKeyValueStore"/> marks it started, then done. An update seen again after a crash mid-way is
/// not run a second time; its sender is told to check and resend. Chats run in parallel, each chat in order.
/// Update ids are only unique within one numbering: when Telegram (or a Bot API server) starts numbering again below
/// the stored offset, <see cref="BeginNewNumberingAsync"/> starts a fresh ledger, so reused ids are not taken for
/// updates handled before.
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

    /// <summary>Store key of the current update numbering (absent: the first).</summary>
    public string NumberingKey => $"telegram:update-numbering:{_options.BotId}";

    /// <summary>Handles a batch: chats in parallel (bounded), the updates of one chat in order.</summary>
    public async Task ProcessBatchAsync(IReadOnlyList<Update> updates, CancellationToken ct)
    {
        var numbering = await NumberingAsync(ct).ConfigureAwait(false);
        if (updates.Count == 1)
        {
            await ProcessAsync(updates[0], numbering, ct).ConfigureAwait(false);
            return;
        }
        var byChat = updates.GroupBy(u => TelegramUpdateHandler.ChatOf(u) ?? 0).Select(g => g.OrderBy(u => u.Id).ToList()).ToList();
        await Parallel.ForEachAsync(byChat, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentChats, CancellationToken = ct },
            async (chatUpdates, token) =>
            {
                foreach (var update in chatUpdates) await ProcessAsync(update, numbering, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
    }

    /// <summary>Handles one update unless it was handled (or started) before; never throws for a bad update.</summary>
    public async Task ProcessAsync(Update update, CancellationToken ct) =>
        await ProcessAsync(update, await NumberingAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);

    /// <summary>Starts a fresh ledger: update ids began again below the stored offset.</summary>
    public async Task BeginNewNumberingAsync(CancellationToken ct)
    {
        var next = await NumberingAsync(ct).ConfigureAwait(false) + 1;
        await store.SetAsync(NumberingKey, next.ToString(CultureInfo.InvariantCulture), null, ct).ConfigureAwait(false);
    }

    private async Task<long> NumberingAsync(CancellationToken ct) =>
        long.TryParse(await store.GetAsync(NumberingKey, ct).ConfigureAwait(false), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private async Task ProcessAsync(Update update, long numbering, CancellationToken ct)
    {
        var id = update.Id.ToString(CultureInfo.InvariantCulture);
        // The first numbering keeps the original key shape, so ledgers written before stay valid.
        var key = numbering == 0
            ? $"telegram:update:{_options.BotId}:{id}"
            : $"telegram:update:{_options.BotId}:n{numbering.ToString(CultureInfo.InvariantCulture)}:{id}";
        if (!await store.SetIfNotExistsAsync(key, Started, LedgerTtl, ct).ConfigureAwait(false))
        {
            var state = await store.GetAsync(key, ct).ConfigureAwait(false);
            if (state == Done)
            {
                logger.LogDebug("Update {UpdateId} was already handled", update.Id);
                return;
            }
            logger.LogWarning("Update {UpdateId} was started before a restart and did not finish; it is not run again", update.Id);
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
            logger.LogError("Handling update {UpdateId} failed: {Error}", update.Id, Redact(e));
        }
        await store.SetAsync(key, Done, LedgerTtl, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task TellInterruptedAsync(Update update, CancellationToken ct)
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

    private string Redact(Exception e) => TelegramApi.Redact(e.Message, _options.BotToken);
}
