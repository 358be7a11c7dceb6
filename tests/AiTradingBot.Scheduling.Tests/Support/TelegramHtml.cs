using System.Text.RegularExpressions;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Support;

/// <summary>Checks text Telegram's HTML parse mode accepts: supported tags, balanced, and no raw &lt; &gt; &amp; in text.</summary>
public static partial class TelegramHtml
{
    private static readonly HashSet<string> Supported = ["b", "i", "u", "s", "code", "pre", "a", "blockquote"];

    /// <summary>Fails with the reason when Telegram would reject <paramref name="html"/>.</summary>
    public static void AssertValid(string html)
    {
        var open = new Stack<string>();
        var last = 0;
        foreach (Match m in Tag().Matches(html))
        {
            AssertText(html[last..m.Index], html);
            last = m.Index + m.Length;
            var name = m.Groups[2].Value;
            Assert.True(Supported.Contains(name), $"<{name}> is not Telegram HTML: {html}");
            if (m.Groups[1].Value.Length == 0) open.Push(name);
            else Assert.True(open.Count > 0 && open.Pop() == name, $"Unbalanced </{name}>: {html}");
        }
        AssertText(html[last..], html);
        Assert.True(open.Count == 0, $"Unclosed tags in: {html}");
    }

    private static void AssertText(string text, string html)
    {
        Assert.False(text.Contains('<') || text.Contains('>'), $"Raw < or > in \"{text}\" of: {html}");
        Assert.False(RawAmpersand().IsMatch(text), $"Raw & in \"{text}\" of: {html}");
    }

    [GeneratedRegex("<(/?)([a-z-]+)(?:\\s[^<>]*)?>")]
    private static partial Regex Tag();

    [GeneratedRegex("&(?!(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);)")]
    private static partial Regex RawAmpersand();
}
