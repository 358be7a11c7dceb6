using System.Text;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Telegram.Sending;

/// <summary>
/// Sends and edits rendered replies through the pacer: parts in order, buttons under the last part, files after,
/// and a tag-free retry when Telegram cannot parse the HTML, so the user always gets an answer.
/// </summary>
public sealed partial class TelegramSender(TelegramBotClient client, SendPacer pacer, ILogger<TelegramSender> logger)
{
    /// <summary>Sends a reply as new messages; returns the id of the last message (where buttons are).</summary>
    public async Task<long?> SendAsync(long chatId, OutgoingReply reply, bool disableNotification, CancellationToken ct)
    {
        long? last = null;
        for (var i = 0; i < reply.Parts.Count; i++)
        {
            var keyboard = i == reply.Parts.Count - 1 ? reply.Keyboard : null;
            last = await SendPartAsync(chatId, reply.Parts[i], keyboard, disableNotification, ct).ConfigureAwait(false);
        }
        await SendDocumentsAsync(chatId, reply.Documents, disableNotification, ct).ConfigureAwait(false);
        return last;
    }

    /// <summary>Replaces a message (a confirmation card) with a reply; extra parts follow as new messages.</summary>
    public async Task EditAsync(long chatId, long messageId, OutgoingReply reply, CancellationToken ct)
    {
        var first = reply.Parts.Count > 0 ? reply.Parts[0] : "";
        var keyboard = reply.Parts.Count == 1 ? reply.Keyboard ?? InlineKeyboardMarkup.Empty : InlineKeyboardMarkup.Empty;
        await pacer.WaitAsync(chatId, ct).ConfigureAwait(false);
        try
        {
            await client.EditMessageTextAsync(chatId, messageId, first, keyboard, ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e) when (e.ErrorCode == 400 && e.Description.Contains("not modified", StringComparison.OrdinalIgnoreCase))
        {
            // Two presses raced to the same text: nothing to change.
        }
        catch (TelegramApiException e) when (e.ErrorCode == 400 && IsParseError(e))
        {
            logger.LogWarning("Telegram could not parse an edited message's HTML; sending it without markup");
            await client.EditMessageTextAsync(chatId, messageId, StripTags(first), keyboard, ct).ConfigureAwait(false);
        }
        for (var i = 1; i < reply.Parts.Count; i++)
            await SendPartAsync(chatId, reply.Parts[i], i == reply.Parts.Count - 1 ? reply.Keyboard : null, false, ct).ConfigureAwait(false);
        await SendDocumentsAsync(chatId, reply.Documents, false, ct).ConfigureAwait(false);
    }

    /// <summary>Removes the buttons of a message (best effort).</summary>
    public async Task RemoveButtonsAsync(long chatId, long messageId, CancellationToken ct)
    {
        try
        {
            await pacer.WaitAsync(chatId, ct).ConfigureAwait(false);
            await client.EditMessageReplyMarkupAsync(chatId, messageId, InlineKeyboardMarkup.Empty, ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            logger.LogDebug("Removing buttons failed: {Error}", e.Message);
        }
    }

    private async Task<long?> SendPartAsync(long chatId, string html, InlineKeyboardMarkup? keyboard, bool silent, CancellationToken ct)
    {
        await pacer.WaitAsync(chatId, ct).ConfigureAwait(false);
        try
        {
            return (await client.SendMessageAsync(chatId, html, keyboard, silent, ct).ConfigureAwait(false)).MessageId;
        }
        catch (TelegramApiException e) when (e.ErrorCode == 400 && IsParseError(e))
        {
            logger.LogWarning("Telegram could not parse a message's HTML ({Error}); sending it without markup", e.Description);
            return (await client.SendMessageAsync(chatId, StripTags(html), keyboard, silent, ct).ConfigureAwait(false)).MessageId;
        }
    }

    private async Task SendDocumentsAsync(long chatId, IReadOnlyList<OutgoingDocument> documents, bool silent, CancellationToken ct)
    {
        foreach (var d in documents)
        {
            await pacer.WaitAsync(chatId, ct).ConfigureAwait(false);
            try
            {
                await client.SendDocumentAsync(chatId, d.FileName, d.Content, d.CaptionHtml, silent, ct).ConfigureAwait(false);
            }
            catch (TelegramApiException e) when (!e.IsForbidden)
            {
                // Some Bot API servers (and emulators) have no sendDocument: the log still arrives, as messages.
                logger.LogWarning("Sending {File} as a document failed ({Error}); sending it as messages", d.FileName, e.Message);
                var text = Encoding.UTF8.GetString(d.Content);
                var html = d.CaptionHtml + "\n" + HtmlMarkup.Instance.Pre(HtmlMarkup.Instance.Escape(text));
                foreach (var part in MessageChunker.Split(html))
                    await SendPartAsync(chatId, part, null, silent, ct).ConfigureAwait(false);
            }
        }
    }

    private static bool IsParseError(TelegramApiException e) =>
        e.Description.Contains("parse entities", StringComparison.OrdinalIgnoreCase) || e.Description.Contains("can't parse", StringComparison.OrdinalIgnoreCase);

    // Dynamic text is escaped, so dropping the tags leaves valid text with entities only.
    private static string StripTags(string html) => Tags().Replace(html, "");

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
