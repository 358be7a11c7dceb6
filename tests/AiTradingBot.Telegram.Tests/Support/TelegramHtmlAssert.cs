using System.Text.RegularExpressions;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>Checks that a text is valid Telegram HTML: known tags, balanced, and no raw &lt; &gt; &amp; in text.</summary>
public static partial class TelegramHtmlAssert
{
    private static readonly HashSet<string> Allowed = ["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "blockquote", "tg-spoiler", "span"];

    /// <summary>Fails with the reason when <paramref name="html"/> would be rejected by Telegram's HTML parser.</summary>
    public static void Valid(string html)
    {
        var stack = new Stack<string>();
        var position = 0;
        foreach (Match m in Tag().Matches(html))
        {
            AssertText(html[position..m.Index], html);
            position = m.Index + m.Length;
            var name = m.Groups[2].Value;
            Assert.True(Allowed.Contains(name), $"Tag <{name}> is not supported by Telegram in: {html}");
            if (m.Groups[1].Value == "/")
            {
                Assert.True(stack.Count > 0 && stack.Peek() == name, $"Unbalanced </{name}> in: {html}");
                stack.Pop();
            }
            else stack.Push(name);
        }
        AssertText(html[position..], html);
        Assert.True(stack.Count == 0, $"Unclosed <{(stack.Count > 0 ? stack.Peek() : "")}> in: {html}");
    }

    private static void AssertText(string text, string html)
    {
        Assert.False(text.Contains('<') || text.Contains('>'), $"Raw < or > in text \"{text}\" of: {html}");
        foreach (Match amp in Amp().Matches(text))
            Assert.True(Entity().IsMatch(text[amp.Index..]), $"Raw & in text \"{text}\" of: {html}");
    }

    [GeneratedRegex("<(/?)([a-z-]+)(?:\\s[^<>]*)?>")]
    private static partial Regex Tag();

    [GeneratedRegex("&")]
    private static partial Regex Amp();

    [GeneratedRegex("^&(lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")]
    private static partial Regex Entity();
}
