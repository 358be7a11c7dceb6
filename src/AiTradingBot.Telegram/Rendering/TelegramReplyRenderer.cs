using System.Text;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Rendering;
using Telegram.Bot.Types.ReplyMarkups;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Telegram.Rendering;

/// <summary>
/// Turns typed assistant replies into Telegram messages with the core's <see cref="ReplyRenderer"/> over HTML markup.
/// Adds only what is Telegram's: buttons, splitting, and long logs as a file.
/// </summary>
public sealed class TelegramReplyRenderer(IOptions<TelegramOptions> options, TimeProvider time, AiTradingBot.Core.Audit.SecretRedactor? redactor = null)
{
    /// <summary>Log lines kept in the message when the whole log goes as a file.</summary>
    public const int LogPreviewLines = 10;

    private readonly ReplyRenderer _html = new(HtmlMarkup.Instance, time, redactor);
    private readonly ReplyRenderer _plain = new(PlainMarkup.Instance, time, redactor);
    private readonly int _documentThreshold = options.Value.LogDocumentThresholdLines;

    /// <summary>The core renderer with Telegram's HTML markup.</summary>
    public ReplyRenderer Html => _html;

    /// <summary>A reply to a message: card buttons when it waits for confirmation, the main menu when asked for.</summary>
    public OutgoingReply Render(AssistantReply reply, bool withMainMenu = false)
    {
        var (shown, documents) = SplitLongLogs(reply);
        InlineKeyboardMarkup? keyboard = null;
        if (reply.Kind == ReplyKind.AwaitingConfirmation && reply.Card is { } card) keyboard = Keyboards.Confirmation(card.Id);
        else if (withMainMenu && reply.Kind == ReplyKind.Done) keyboard = Keyboards.MainMenuMarkup();
        var photos = Photos(reply);
        // A reply that is only charts is the pictures with their captions; text would repeat the captions.
        var onlyCharts = photos.Count > 0 && reply.Kind == ReplyKind.Done && reply.Outcome!.Steps.All(s => s.Result is ChartResult);
        var parts = onlyCharts ? [] : MessageChunker.Split(_html.Render(shown));
        return new OutgoingReply(parts, onlyCharts ? null : keyboard, documents) { Photos = photos };
    }

    /// <summary>The pictures of a reply: chart results and report charts, in step order.</summary>
    public static IReadOnlyList<OutgoingPhoto> Photos(AssistantReply reply) =>
        reply.Outcome is not { } outcome ? [] : outcome.Steps.Select(s => s.Result switch
        {
            ChartResult c => new OutgoingPhoto(c.Png, c.Caption),
            ReportResult { Chart: { } c } => new OutgoingPhoto(c.Png, c.Caption),
            _ => null,
        }).OfType<OutgoingPhoto>().ToList();

    /// <summary>
    /// What a confirmation card becomes after a press: the result, "cancelled" or "expired". <paramref name="resolvedIn"/>:
    /// the channel it was resolved in when not Telegram ("web", "cli"), named after who did it.
    /// </summary>
    public OutgoingReply RenderPressResult(AssistantReply reply, Principal presser, string? resolvedIn = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(presser);
        var (shown, documents) = SplitLongLogs(reply);
        var where = resolvedIn switch
        {
            null or "telegram" => "",
            "web" => " on the web",
            "cli" => " in the console",
            _ => " via " + resolvedIn,
        };
        var who = HtmlMarkup.Instance.Escape((presser.UserName is { Length: > 0 } n ? "@" + n : presser.UserId) + where);
        var head = reply.Kind switch
        {
            ReplyKind.Done => $"✅ <b>Confirmed</b> by {who}",
            ReplyKind.Cancelled => $"✖ <b>Cancelled</b> by {who}. Nothing was done.",
            ReplyKind.Expired => "⌛ <b>Expired</b>: nothing was done. Send the command again.",
            ReplyKind.Refused => "⛔ <b>Not executed</b>",
            _ => "",
        };
        var body = reply.Kind is ReplyKind.Cancelled or ReplyKind.Expired ? "" : _html.Render(shown);
        var html = string.Join("\n\n", new[] { head, body }.Where(s => s.Length > 0));
        var photos = reply.Kind is ReplyKind.Cancelled or ReplyKind.Expired ? [] : Photos(reply);
        return new OutgoingReply(MessageChunker.Split(html.Length == 0 ? "Done." : html), null, documents) { Photos = photos };
    }

    /// <summary>The short text answerCallbackQuery shows for a press (Telegram allows 200 characters).</summary>
    public static (string Text, bool Alert) PressAnswer(AssistantReply reply)
    {
        var (fallback, alert) = reply.Kind switch
        {
            ReplyKind.Done => ("Confirmed", false),
            ReplyKind.Cancelled => ("Cancelled", false),
            ReplyKind.Expired => ("Expired: send the command again.", true),
            ReplyKind.AlreadyHandled => ("Already done.", false),
            ReplyKind.NotYours => ("Only the person who asked can confirm this.", true),
            ReplyKind.AccessDenied => ("ACCESS DENIED", true),
            ReplyKind.Refused => ("Refused.", true),
            _ => ("Something went wrong; see the message.", false),
        };
        var text = reply.Kind is ReplyKind.Done or ReplyKind.Cancelled ? fallback : reply.Messages.FirstOrDefault() ?? fallback;
        return (text.Length <= 200 ? text : text[..199] + "…", alert);
    }

    // Logs above the threshold: the message keeps a short tail, the whole log goes as a plain-text file.
    private (AssistantReply Shown, IReadOnlyList<OutgoingDocument> Documents) SplitLongLogs(AssistantReply reply)
    {
        if (reply.Outcome is not { } outcome || !outcome.Steps.Any(s => s.Result is LogsResult l && l.Lines.Count > _documentThreshold))
            return (reply, []);
        var documents = new List<OutgoingDocument>();
        var steps = outcome.Steps.Select(s =>
        {
            if (s.Result is not LogsResult logs || logs.Lines.Count <= _documentThreshold) return s;
            var name = $"{Safe(logs.System)}-logs-{time.GetUtcNow():yyyyMMdd-HHmmss}.txt";
            documents.Add(new OutgoingDocument(name, Encoding.UTF8.GetBytes(_plain.RenderResult(logs) + "\n"),
                $"📄 {HtmlMarkup.Instance.Escape(logs.System)}: {logs.Lines.Count} log lines"));
            return s with { Result = logs with { Lines = logs.Lines.Skip(logs.Lines.Count - LogPreviewLines).ToList() } };
        }).ToList();
        var shown = reply with { Outcome = outcome with { Steps = steps } };
        return (shown, documents);
    }

    private static string Safe(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
}
