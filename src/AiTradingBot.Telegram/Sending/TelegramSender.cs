using System.Text;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using Microsoft.Extensions.Logging;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;
using Telegram.Bot.Types.ReplyMarkups;

namespace AiTradingBot.Telegram.Sending;

/// <summary>
/// Sends and edits rendered replies through the pacer: parts in order, buttons under the last part, files after,
/// and a tag-free retry when Telegram cannot parse the HTML, so the user always gets an answer. An edit that fails
/// (message too old, deleted) is sent as a new message instead: a result is never lost.
/// </summary>
public sealed partial class TelegramSender(TelegramApi api, ILogger<TelegramSender> logger)
{
    /// <summary>Telegram's limit on a photo or document caption.</summary>
    public const int CaptionLimit = 1024;

    private static readonly LinkPreviewOptions NoPreview = new() { IsDisabled = true };

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
        var photo = await SendPhotosAsync(chatId, reply.Photos, disableNotification, ct).ConfigureAwait(false);
        return last ?? photo;
    }

    /// <summary>
    /// Replaces a message (a confirmation card) with a reply; extra parts follow as new messages. When the card cannot
    /// be edited any more, the first part is sent as a new message, so the result always reaches the chat.
    /// </summary>
    public async Task EditAsync(long chatId, long messageId, OutgoingReply reply, CancellationToken ct)
    {
        var first = reply.Parts.Count > 0 ? reply.Parts[0] : "";
        var lastIsFirst = reply.Parts.Count == 1;
        var keyboard = lastIsFirst ? reply.Keyboard ?? Keyboards.None() : Keyboards.None();
        try
        {
            await EditTextAsync(chatId, messageId, first, keyboard, ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e) when (e.ErrorCode == 400 && e.Description.Contains("not modified", StringComparison.OrdinalIgnoreCase))
        {
            // The card already shows exactly this text (two presses raced, or a repeated edit landed): nothing is lost.
        }
        catch (TelegramApiException e)
        {
            // Too old, deleted, not editable, or no answer: a second copy of a result is better than none.
            logger.LogWarning("Editing message {MessageId} in chat {ChatId} failed ({Error}); sending the result as a new message", messageId, chatId, e.Message);
            await SendPartAsync(chatId, first, lastIsFirst ? reply.Keyboard : null, false, ct).ConfigureAwait(false);
        }
        for (var i = 1; i < reply.Parts.Count; i++)
            await SendPartAsync(chatId, reply.Parts[i], i == reply.Parts.Count - 1 ? reply.Keyboard : null, false, ct).ConfigureAwait(false);
        await SendDocumentsAsync(chatId, reply.Documents, false, ct).ConfigureAwait(false);
        await SendPhotosAsync(chatId, reply.Photos, false, ct).ConfigureAwait(false);
    }

    /// <summary>Removes the buttons of a message (best effort).</summary>
    public async Task RemoveButtonsAsync(long chatId, long messageId, CancellationToken ct)
    {
        try
        {
            await api.CallAsync("editMessageReplyMarkup", chatId, TelegramCallKind.Idempotent,
                (bot, token) => bot.EditMessageReplyMarkup(chatId, checked((int)messageId), Keyboards.None(), cancellationToken: token), ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            logger.LogDebug("Removing buttons failed: {Error}", e.Message);
        }
    }

    /// <summary>
    /// Sends a PNG image (a chart) with a one-line plain-text caption; returns the message id. Line breaks in the
    /// caption become spaces and it is cut to Telegram's 1,024 characters.
    /// </summary>
    public async Task<long> SendPhotoAsync(long chatId, byte[] png, string caption, bool disableNotification, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(png);
        var line = OneLine(caption);
        var message = await api.CallAsync("sendPhoto", chatId, TelegramCallKind.Send,
            (bot, token) => bot.SendPhoto(chatId, InputFile.FromStream(new MemoryStream(png, writable: false), "chart.png"), line,
                disableNotification: disableNotification, cancellationToken: token), ct).ConfigureAwait(false);
        return message.MessageId;
    }

    /// <summary>Shows "typing…" for about five seconds; best effort, never retried.</summary>
    public Task TypingAsync(long chatId, CancellationToken ct) =>
        api.CallAsync("sendChatAction", null, TelegramCallKind.BestEffort,
            (bot, token) => bot.SendChatAction(chatId, ChatAction.Typing, cancellationToken: token), ct);

    private async Task EditTextAsync(long chatId, long messageId, string html, InlineKeyboardMarkup keyboard, CancellationToken ct)
    {
        var id = checked((int)messageId);
        try
        {
            await api.CallAsync("editMessageText", chatId, TelegramCallKind.Idempotent,
                (bot, token) => bot.EditMessageText(chatId, id, html, ParseMode.Html, keyboard, NoPreview, cancellationToken: token), ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e) when (e.ErrorCode == 400 && IsParseError(e))
        {
            logger.LogWarning("Telegram could not parse an edited message's HTML; sending it without markup");
            await api.CallAsync("editMessageText", chatId, TelegramCallKind.Idempotent,
                (bot, token) => bot.EditMessageText(chatId, id, StripTags(html), ParseMode.None, keyboard, NoPreview, cancellationToken: token), ct).ConfigureAwait(false);
        }
    }

    private async Task<long?> SendPartAsync(long chatId, string html, InlineKeyboardMarkup? keyboard, bool silent, CancellationToken ct)
    {
        try
        {
            return await SendTextAsync(chatId, html, ParseMode.Html, keyboard, silent, ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e) when (e.ErrorCode == 400 && IsParseError(e))
        {
            logger.LogWarning("Telegram could not parse a message's HTML ({Error}); sending it without markup", e.Description);
            return await SendTextAsync(chatId, StripTags(html), ParseMode.None, keyboard, silent, ct).ConfigureAwait(false);
        }
    }

    private async Task<long?> SendTextAsync(long chatId, string text, ParseMode mode, InlineKeyboardMarkup? keyboard, bool silent, CancellationToken ct)
    {
        var message = await api.CallAsync("sendMessage", chatId, TelegramCallKind.Send,
            (bot, token) => bot.SendMessage(chatId, text, mode, replyMarkup: keyboard, linkPreviewOptions: NoPreview, disableNotification: silent, cancellationToken: token),
            ct).ConfigureAwait(false);
        return message.MessageId;
    }

    private async Task SendDocumentsAsync(long chatId, IReadOnlyList<OutgoingDocument> documents, bool silent, CancellationToken ct)
    {
        foreach (var d in documents)
        {
            try
            {
                var caption = d.CaptionHtml.Length <= CaptionLimit ? d.CaptionHtml : HtmlMarkup.Instance.Escape(StripTags(d.CaptionHtml)[..(CaptionLimit - 10)]) + "…";
                await api.CallAsync("sendDocument", chatId, TelegramCallKind.Send,
                    (bot, token) => bot.SendDocument(chatId, InputFile.FromStream(new MemoryStream(d.Content, writable: false), d.FileName), caption, ParseMode.Html,
                        disableNotification: silent, cancellationToken: token), ct).ConfigureAwait(false);
            }
            catch (TelegramApiException e) when (!e.IsForbidden && !e.TimedOut)
            {
                // A Bot API server without sendDocument (or a file it refuses): the log still arrives, as messages.
                logger.LogWarning("Sending {File} as a document failed ({Error}); sending it as messages", d.FileName, e.Message);
                var text = Encoding.UTF8.GetString(d.Content);
                var html = d.CaptionHtml + "\n" + HtmlMarkup.Instance.Pre(HtmlMarkup.Instance.Escape(text));
                foreach (var part in MessageChunker.Split(html))
                    await SendPartAsync(chatId, part, null, silent, ct).ConfigureAwait(false);
            }
        }
    }

    // A picture that cannot be sent (a Bot API server without sendPhoto, an image it refuses) still gets its caption across.
    private async Task<long?> SendPhotosAsync(long chatId, IReadOnlyList<OutgoingPhoto> photos, bool silent, CancellationToken ct)
    {
        long? last = null;
        foreach (var p in photos)
        {
            try
            {
                last = await SendPhotoAsync(chatId, p.Png, p.Caption, silent, ct).ConfigureAwait(false);
            }
            catch (TelegramApiException e) when (!e.IsForbidden && !e.TimedOut)
            {
                logger.LogWarning("Sending a chart as a photo failed ({Error}); sending its caption as a message", e.Message);
                last = await SendPartAsync(chatId, HtmlMarkup.Instance.Escape(OneLine(p.Caption) + " (the picture could not be sent)"), null, silent, ct).ConfigureAwait(false);
            }
        }
        return last;
    }

    private static string OneLine(string caption)
    {
        var line = string.Join(' ', (caption ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= CaptionLimit ? line : line[..(CaptionLimit - 1)] + "…";
    }

    private static bool IsParseError(TelegramApiException e) =>
        e.Description.Contains("parse entities", StringComparison.OrdinalIgnoreCase) || e.Description.Contains("can't parse", StringComparison.OrdinalIgnoreCase);

    // Dynamic text is escaped, so dropping the tags leaves valid text with entities only.
    private static string StripTags(string html) => Tags().Replace(html, "");

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();
}
