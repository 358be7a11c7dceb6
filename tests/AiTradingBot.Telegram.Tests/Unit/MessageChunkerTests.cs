using AiTradingBot.Core.Rendering;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Tests.Support;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class MessageChunkerTests
{
    [Fact]
    public void A_short_message_is_one_part_unchanged()
    {
        Assert.Equal(["<b>hi</b>\nthere"], MessageChunker.Split("<b>hi</b>\nthere"));
    }

    [Fact]
    public void Long_text_is_split_at_line_breaks_below_the_limit_and_later_parts_say_continued()
    {
        var lines = Enumerable.Range(0, 500).Select(i => $"line {i:000} with some text").ToList();
        var parts = MessageChunker.Split(string.Join("\n", lines));

        Assert.True(parts.Count > 1);
        Assert.All(parts, p => Assert.True(p.Length < MessageChunker.TelegramLimit, $"part of {p.Length} chars"));
        Assert.DoesNotContain("continued", parts[0]);
        Assert.All(parts.Skip(1), p => Assert.StartsWith(MessageChunker.ContinuedMarker, p));
        // Every line arrives whole and in order.
        var rejoined = parts.SelectMany(p => p.Replace(MessageChunker.ContinuedMarker, "").Split('\n')).ToList();
        Assert.Equal(lines, rejoined);
    }

    [Fact]
    public void A_pre_block_split_across_parts_is_closed_and_reopened_so_each_part_is_valid_html()
    {
        var log = string.Join("\n", Enumerable.Range(0, 400).Select(i => HtmlMarkup.Instance.Escape($"12:00:{i % 60:00} <tick> {i} & more")));
        var html = "<b>📜 INTEL alpha</b>\n" + HtmlMarkup.Instance.Pre(log);

        var parts = MessageChunker.Split(html);

        Assert.True(parts.Count >= 3);
        Assert.All(parts, TelegramHtmlAssert.Valid);
        Assert.All(parts.Skip(1), p => Assert.Contains("<pre>", p));
    }

    [Fact]
    public void A_single_line_longer_than_the_limit_is_cut_outside_tags_and_entities()
    {
        var word = HtmlMarkup.Instance.Bold("bold &amp; ") + "a&lt;b ";
        var html = string.Concat(Enumerable.Repeat(word, 1200));

        var parts = MessageChunker.Split(html, 1000);

        Assert.True(parts.Count > 5);
        Assert.All(parts, p => Assert.True(p.Length <= 1000, $"part of {p.Length} chars"));
        Assert.All(parts, TelegramHtmlAssert.Valid);
    }

    [Fact]
    public void Emoji_are_never_cut_in_half()
    {
        var html = string.Concat(Enumerable.Repeat("🟢", 3000));

        var parts = MessageChunker.Split(html, 1000);

        Assert.All(parts, p => Assert.False(char.IsHighSurrogate(p[^1]), "part ends with half an emoji"));
        Assert.Equal(html, string.Concat(parts.Select(p => p.Replace(MessageChunker.ContinuedMarker, ""))));
    }
}
