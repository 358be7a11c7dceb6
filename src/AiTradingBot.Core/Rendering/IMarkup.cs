namespace AiTradingBot.Core.Rendering;

/// <summary>
/// How a channel marks up text. The renderer escapes every dynamic string with <see cref="Escape"/> first and
/// wraps already-escaped text with the other members: Telegram supplies HTML, the console plain text.
/// </summary>
public interface IMarkup
{
    /// <summary>Escapes dynamic text (log lines contain &lt; and &amp;).</summary>
    string Escape(string text);

    /// <summary>Bold already-escaped text.</summary>
    string Bold(string escaped);

    /// <summary>Italic already-escaped text.</summary>
    string Italic(string escaped);

    /// <summary>Inline code, already escaped.</summary>
    string Code(string escaped);

    /// <summary>A preformatted block, already escaped.</summary>
    string Pre(string escaped);
}

/// <summary>Plain text for the console and logs.</summary>
public sealed class PlainMarkup : IMarkup
{
    /// <summary>Shared instance.</summary>
    public static PlainMarkup Instance { get; } = new();

    /// <inheritdoc />
    public string Escape(string text) => text;

    /// <inheritdoc />
    public string Bold(string escaped) => escaped;

    /// <inheritdoc />
    public string Italic(string escaped) => escaped;

    /// <inheritdoc />
    public string Code(string escaped) => escaped;

    /// <inheritdoc />
    public string Pre(string escaped) => escaped;
}

/// <summary>Telegram's HTML parse mode: only &lt;, &gt; and &amp; need escaping.</summary>
public sealed class HtmlMarkup : IMarkup
{
    /// <summary>Shared instance.</summary>
    public static HtmlMarkup Instance { get; } = new();

    /// <inheritdoc />
    public string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <inheritdoc />
    public string Bold(string escaped) => $"<b>{escaped}</b>";

    /// <inheritdoc />
    public string Italic(string escaped) => $"<i>{escaped}</i>";

    /// <inheritdoc />
    public string Code(string escaped) => $"<code>{escaped}</code>";

    /// <inheritdoc />
    public string Pre(string escaped) => $"<pre>{escaped}</pre>";
}
