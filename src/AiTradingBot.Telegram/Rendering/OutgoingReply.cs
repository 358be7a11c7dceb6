using Telegram.Bot.Types.ReplyMarkups;

namespace AiTradingBot.Telegram.Rendering;

/// <summary>
/// A rendered reply ready to send: HTML parts (each below Telegram's limit), buttons under the last part, and files.
/// </summary>
public sealed record OutgoingReply(IReadOnlyList<string> Parts, InlineKeyboardMarkup? Keyboard, IReadOnlyList<OutgoingDocument> Documents)
{
    /// <summary>A reply of one HTML text (split if needed) without buttons.</summary>
    public static OutgoingReply Text(string html) => new(MessageChunker.Split(html), null, []);

    /// <summary>Pictures (charts) sent after the text and files.</summary>
    public IReadOnlyList<OutgoingPhoto> Photos { get; init; } = [];
}

/// <summary>A PNG sent with a reply, with its one-line plain-text caption.</summary>
public sealed record OutgoingPhoto(byte[] Png, string Caption);

/// <summary>A file sent with a reply (a long log), with its HTML caption.</summary>
public sealed record OutgoingDocument(string FileName, byte[] Content, string CaptionHtml);
