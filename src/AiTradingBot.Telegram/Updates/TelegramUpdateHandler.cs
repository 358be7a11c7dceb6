using System.Diagnostics;
using System.Globalization;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Sending;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace AiTradingBot.Telegram.Updates;

/// <summary>
/// Turns one update into a call of the core and renders the answer. Messages and button presses both go through
/// <see cref="TelegramPrincipals"/> and the core's authorization; the channel decides nothing itself.
/// </summary>
public sealed class TelegramUpdateHandler(
    IAssistant assistant,
    TelegramApi api,
    TelegramSender sender,
    TelegramReplyRenderer renderer,
    TelegramPrincipals principals,
    TelegramBotIdentity identity,
    TelegramCardMessages cards,
    IOptions<TelegramOptions> options,
    TimeProvider time,
    ILogger<TelegramUpdateHandler> logger)
{
    /// <summary>Channel name in audit records and confirmations.</summary>
    public const string Channel = "telegram";

    /// <summary>The main-menu command.</summary>
    public const string MenuCommand = "/cc";

    private static readonly TimeSpan TypingDelay = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan TypingInterval = TimeSpan.FromSeconds(4);
    private readonly TelegramOptions _options = options.Value;

    /// <summary>
    /// Handles one update (a message or a button press); other kinds are ignored. One consumer span per update, the
    /// parent of the core's message span and of the Bot API calls that answer it.
    /// </summary>
    public async Task HandleAsync(Update update, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(update);
        var kind = update switch { { Message: not null } => "message", { CallbackQuery: not null } => "callback_query", _ => null };
        if (kind is null) return;
        using var activity = TelegramTelemetry.Activities.StartActivity("telegram update", ActivityKind.Consumer);
        activity?.SetTag(TelegramTelemetry.UpdateKindTag, kind);
        await (update switch
        {
            { Message: { } m } => OnMessageAsync(m, ct),
            { CallbackQuery: { } q } => OnCallbackAsync(q, ct),
            _ => Task.CompletedTask,
        }).ConfigureAwait(false);
    }

    /// <summary>The chat an update belongs to (for ordering), or null.</summary>
    public static long? ChatOf(Update update) => update.Message?.Chat?.Id ?? update.CallbackQuery?.Message?.Chat?.Id ?? update.CallbackQuery?.From?.Id;

    private async Task OnMessageAsync(Message message, CancellationToken ct)
    {
        if (message.From is not { } from || message.Chat is not { } chat || string.IsNullOrWhiteSpace(message.Text)) return;
        var principal = principals.Of(from);
        var text = NormalizeCommand(message.Text.Trim());
        if (text is null) return; // a command addressed to another bot in a group

        var sent = new DateTimeOffset(DateTime.SpecifyKind(message.Date, DateTimeKind.Utc));
        var age = time.GetUtcNow() - sent;
        if (sent > DateTimeOffset.UnixEpoch && age > _options.MaxUpdateAge)
        {
            logger.LogWarning("Ignored a message from user {UserId} in chat {ChatId} that is {Age} old (older than Telegram:MaxUpdateAge)", principal.UserId, chat.Id, age);
            if (principal.Role != UserRole.None)
            {
                var html = $"⏱ Not executed: your message “{HtmlMarkup.Instance.Escape(Shorten(text))}” arrived {Format.Duration(age)} late (the bot was offline). Send it again if you still want it.";
                await sender.SendAsync(chat.Id, OutgoingReply.Text(html), false, ct).ConfigureAwait(false);
            }
            return;
        }

        var menu = string.Equals(text, MenuCommand, StringComparison.OrdinalIgnoreCase);
        var reply = await WithTypingAsync(chat.Id,
            () => assistant.HandleAsync(new IncomingMessage(Channel, ChatIdOf(chat.Id), principal, menu ? "/help" : text), ct), ct).ConfigureAwait(false);
        await SendReplyAsync(chat.Id, reply, renderer.Render(reply, withMainMenu: menu), ct).ConfigureAwait(false);
    }

    // A card's message is remembered so that a confirmation on the web or through the API can edit it to the result.
    private async Task SendReplyAsync(long chatId, AssistantReply reply, OutgoingReply outgoing, CancellationToken ct)
    {
        var last = await sender.SendAsync(chatId, outgoing, false, ct).ConfigureAwait(false);
        if (reply is { Kind: ReplyKind.AwaitingConfirmation, Card: { } card } && last is { } messageId)
            await cards.RecordAsync(card, chatId, messageId, ct).ConfigureAwait(false);
    }

    private async Task OnCallbackAsync(CallbackQuery query, CancellationToken ct)
    {
        if (query.From is not { } from) return;
        var principal = principals.Of(from);
        var data = CallbackData.Parse(query.Data);
        var chatId = query.Message?.Chat?.Id ?? from.Id;
        var messageId = query.Message?.MessageId;

        if (data is null)
        {
            await AnswerAsync(query.Id, "Unknown button.", false, ct).ConfigureAwait(false);
            return;
        }

        if (data.Action == CallbackAction.Menu)
        {
            // A menu button is a message like any other: the core authorizes, plans, gates and audits it.
            var command = Keyboards.MenuCommand(data.Value);
            await AnswerAsync(query.Id, command is null ? "Unknown button." : null, false, ct).ConfigureAwait(false);
            if (command is null) return;
            var reply = await WithTypingAsync(chatId,
                () => assistant.HandleAsync(new IncomingMessage(Channel, ChatIdOf(chatId), principal, command), ct), ct).ConfigureAwait(false);
            await SendReplyAsync(chatId, reply, renderer.Render(reply), ct).ConfigureAwait(false);
            return;
        }

        var request = new ConfirmationRequest(Channel, ChatIdOf(chatId), principal, data.Value);
        AssistantReply result;
        // Admins get "Working…" at once so the spinner stops during a long execution; anyone else is answered
        // with the core's decision (access denied, read-only) as an alert.
        var acknowledged = data.Action == CallbackAction.Confirm && principal.Role == UserRole.Admin;
        if (acknowledged) await AnswerAsync(query.Id, "Working…", false, ct).ConfigureAwait(false);
        result = data.Action == CallbackAction.Confirm
            ? await WithTypingAsync(chatId, () => assistant.ConfirmAsync(request, ct), ct).ConfigureAwait(false)
            : await assistant.CancelAsync(request, ct).ConfigureAwait(false);
        logger.LogInformation("Button {Action} on {ConfirmationId} by user {UserId} in chat {ChatId}: {Kind}", data.Action, data.Value, principal.UserId, chatId, result.Kind);

        var endsCard = EndsCard(result);
        if (!acknowledged)
        {
            var (text, alert) = TelegramReplyRenderer.PressAnswer(result);
            await AnswerAsync(query.Id, text, alert, ct).ConfigureAwait(false);
        }
        else if (!endsCard)
        {
            await SendNoteAsync(chatId, result, ct).ConfigureAwait(false);
        }

        if (messageId is not { } cardId) return;
        if (endsCard) await sender.EditAsync(chatId, cardId, renderer.RenderPressResult(result, principal), ct).ConfigureAwait(false);
        else if (result.Kind == ReplyKind.AlreadyHandled) await sender.RemoveButtonsAsync(chatId, cardId, ct).ConfigureAwait(false);
        // Denied, read-only and not-yours presses leave the card alone: its owner may still press.
    }

    // Results that settle the pending plan: executed, cancelled, expired, or refused by risk at confirmation time
    // (a refusal of the presser's rights carries no plan and settles nothing).
    private static bool EndsCard(AssistantReply result) => result.Kind switch
    {
        ReplyKind.Done or ReplyKind.Cancelled or ReplyKind.Expired or ReplyKind.Error => true,
        ReplyKind.Refused => result.Plan is not null,
        _ => false,
    };

    // After "Working…" was shown, a press the core did not execute is explained in the chat.
    private Task SendNoteAsync(long chatId, AssistantReply result, CancellationToken ct)
    {
        var (text, _) = TelegramReplyRenderer.PressAnswer(result);
        return sender.SendAsync(chatId, OutgoingReply.Text(HtmlMarkup.Instance.Escape(text)), false, ct);
    }

    private async Task AnswerAsync(string callbackQueryId, string? text, bool alert, CancellationToken ct)
    {
        try
        {
            await api.CallAsync("answerCallbackQuery", null, TelegramCallKind.Idempotent,
                (bot, token) => bot.AnswerCallbackQuery(callbackQueryId, text, alert, cancellationToken: token), ct).ConfigureAwait(false);
        }
        catch (TelegramApiException e)
        {
            // A query older than ~15 minutes cannot be answered any more; the edit below still tells the user.
            logger.LogDebug("answerCallbackQuery failed: {Error}", e.Message);
        }
    }

    private async Task<T> WithTypingAsync<T>(long chatId, Func<Task<T>> work, CancellationToken ct)
    {
        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var typing = TypingLoopAsync(chatId, done.Token);
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            await done.CancelAsync().ConfigureAwait(false);
            await typing.ConfigureAwait(false);
        }
    }

    // "typing…" only when the work takes a moment, renewed while it lasts; best effort.
    private async Task TypingLoopAsync(long chatId, CancellationToken ct)
    {
        try
        {
            await Task.Delay(TypingDelay, time, ct).ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                await sender.TypingAsync(chatId, ct).ConfigureAwait(false);
                await Task.Delay(TypingInterval, time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (TelegramApiException e)
        {
            logger.LogDebug("sendChatAction failed: {Error}", e.Message);
        }
    }

    // "/sitrep@ThisBot alpha" → "/sitrep alpha"; a command for another bot → null.
    private string? NormalizeCommand(string text)
    {
        if (!text.StartsWith('/')) return text;
        var end = text.IndexOfAny([' ', '\n']);
        var command = end < 0 ? text : text[..end];
        var at = command.IndexOf('@');
        if (at < 0) return text;
        var target = command[(at + 1)..];
        if (identity.Username is { } me && !string.Equals(me, target, StringComparison.OrdinalIgnoreCase)) return null;
        return command[..at] + (end < 0 ? "" : text[end..]);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private static string ChatIdOf(long chatId) => chatId.ToString(CultureInfo.InvariantCulture);
}
