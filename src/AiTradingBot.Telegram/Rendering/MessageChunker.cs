using System.Text;
using System.Text.RegularExpressions;

namespace AiTradingBot.Telegram.Rendering;

/// <summary>
/// Splits Telegram HTML into messages below the 4,096-character limit: at line breaks when it can, never inside a
/// tag, an entity or a surrogate pair; tags open at a split are closed and reopened; later parts start "(continued)".
/// </summary>
public static partial class MessageChunker
{
    /// <summary>Telegram's limit on a message's text.</summary>
    public const int TelegramLimit = 4096;

    /// <summary>Default size of one part: below the limit with room to spare.</summary>
    public const int DefaultLimit = 4000;

    /// <summary>What every part after the first starts with.</summary>
    public const string ContinuedMarker = "<i>(continued)</i>\n";

    /// <summary>Splits <paramref name="html"/> into parts of at most <paramref name="limit"/> characters.</summary>
    public static IReadOnlyList<string> Split(string html, int limit = DefaultLimit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 200);
        if (html.Length <= limit) return [html];

        var parts = new List<string>();
        var open = new List<(string Name, string Tag)>();
        var current = new StringBuilder();
        var currentHasContent = false;
        var lines = html.Split('\n');

        void Flush()
        {
            current.Append(Closers(open));
            parts.Add(current.ToString());
            current.Clear().Append(ContinuedMarker).Append(Openers(open));
            currentHasContent = false;
        }

        for (var li = 0; li < lines.Length; li++)
        {
            var line = lines[li];
            var separator = li == 0 ? "" : "\n";
            while (true)
            {
                var closers = Closers(AfterTags(open, line)).Length;
                var needed = current.Length + (currentHasContent ? separator.Length : 0) + line.Length + closers;
                if (needed <= limit)
                {
                    if (currentHasContent) current.Append(separator);
                    current.Append(line);
                    open = AfterTags(open, line);
                    currentHasContent = true;
                    break;
                }
                if (currentHasContent)
                {
                    Flush();
                    continue;
                }
                // A single line longer than what is left: cut it at a safe place and carry on with the rest.
                var budget = limit - current.Length - Closers(open).Length - MaxTagDepthReserve;
                var cut = SafeCut(line, Math.Max(budget, 1));
                var head = line[..cut];
                current.Append(head);
                open = AfterTags(open, head);
                currentHasContent = true;
                line = line[cut..];
                separator = "";
                Flush();
                if (line.Length == 0) break;
            }
        }
        if (currentHasContent) parts.Add(current.ToString());
        return parts;
    }

    // Room left for closing tags opened inside a cut line (e.g. "</code></pre>").
    private const int MaxTagDepthReserve = 40;

    private static int SafeCut(string line, int budget)
    {
        if (budget >= line.Length) return line.Length;
        int lastSafe = 0, lastSpace = 0;
        var inTag = false;
        var inEntity = false;
        for (var i = 0; i < line.Length && i <= budget; i++)
        {
            var safeHere = !inTag && !inEntity && !(i > 0 && char.IsHighSurrogate(line[i - 1]));
            if (safeHere && i > 0)
            {
                lastSafe = i;
                if (line[i - 1] == ' ') lastSpace = i;
            }
            var c = line[i];
            if (c == '<') inTag = true;
            else if (c == '>' && inTag) inTag = false;
            else if (c == '&' && !inTag) inEntity = true;
            else if (c == ';' && inEntity) inEntity = false;
        }
        if (lastSpace > budget / 2) return lastSpace;
        return lastSafe > 0 ? lastSafe : Math.Min(budget, line.Length);
    }

    private static List<(string Name, string Tag)> AfterTags(List<(string Name, string Tag)> open, string text)
    {
        if (text.IndexOf('<') < 0) return open;
        var result = new List<(string Name, string Tag)>(open);
        foreach (Match m in TagPattern().Matches(text))
        {
            var name = m.Groups[2].Value.ToLowerInvariant();
            if (m.Groups[1].Value == "/")
            {
                var at = result.FindLastIndex(t => t.Name == name);
                if (at >= 0) result.RemoveRange(at, result.Count - at);
            }
            else if (!m.Value.EndsWith("/>", StringComparison.Ordinal))
            {
                result.Add((name, m.Value));
            }
        }
        return result;
    }

    private static string Closers(List<(string Name, string Tag)> open) =>
        open.Count == 0 ? "" : string.Concat(Enumerable.Reverse(open).Select(t => $"</{t.Name}>"));

    private static string Openers(List<(string Name, string Tag)> open) => string.Concat(open.Select(t => t.Tag));

    [GeneratedRegex("<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")]
    private static partial Regex TagPattern();
}
