using System.Text;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>
/// Reads the block-style YAML subset the deployment files use: mappings, sequences of scalars, plain, single- and
/// double-quoted scalars, flow sequences of scalars and comments. Anything else (anchors, block scalars, flow mappings,
/// mappings inside sequences) throws, so a test never silently misreads the compose file. Mappings become
/// <c>Dictionary&lt;string, object?&gt;</c>, sequences <c>List&lt;object?&gt;</c>, scalars <c>string</c>, empty values null.
/// </summary>
internal static class MiniYaml
{
    private sealed record Line(int Number, int Indent, string Text);

    /// <summary>Parses a document whose root is a mapping.</summary>
    public static Dictionary<string, object?> Parse(string yaml)
    {
        var lines = new List<Line>();
        var number = 0;
        foreach (var raw in yaml.Replace("\r\n", "\n").Split('\n'))
        {
            number++;
            if (raw.Contains('\t')) throw Error(number, "tabs are not allowed in YAML indentation");
            var text = StripComment(raw).TrimEnd();
            if (text.Trim().Length == 0) continue;
            if (text.TrimStart() is "---" or "...") continue;
            lines.Add(new Line(number, text.Length - text.TrimStart().Length, text.Trim()));
        }
        var index = 0;
        if (lines.Count == 0) return [];
        var root = ParseBlock(lines, ref index, lines[0].Indent);
        if (index < lines.Count) throw Error(lines[index].Number, "unexpected indentation");
        return root as Dictionary<string, object?> ?? throw Error(1, "the document root must be a mapping");
    }

    private static object ParseBlock(List<Line> lines, ref int index, int indent) =>
        IsSequenceItem(lines[index].Text) ? ParseSequence(lines, ref index, indent) : ParseMapping(lines, ref index, indent);

    private static bool IsSequenceItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    private static Dictionary<string, object?> ParseMapping(List<Line> lines, ref int index, int indent)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (index < lines.Count && lines[index].Indent == indent)
        {
            var line = lines[index];
            if (IsSequenceItem(line.Text)) throw Error(line.Number, "a sequence item where a mapping key was expected (indent sequences under their key)");
            var colon = FindMappingColon(line.Text) ?? throw Error(line.Number, $"expected 'key: value', got '{line.Text}'");
            var key = Unquote(line.Text[..colon].Trim(), line.Number);
            var rest = line.Text[(colon + 1)..].Trim();
            if (!map.TryAdd(key, null)) throw Error(line.Number, $"duplicate key '{key}'");
            index++;
            if (rest.Length > 0) map[key] = Scalar(rest, line.Number);
            else if (index < lines.Count && lines[index].Indent > indent) map[key] = ParseBlock(lines, ref index, lines[index].Indent);
        }
        if (index < lines.Count && lines[index].Indent > indent) throw Error(lines[index].Number, "unexpected indentation");
        return map;
    }

    private static List<object?> ParseSequence(List<Line> lines, ref int index, int indent)
    {
        var list = new List<object?>();
        while (index < lines.Count && lines[index].Indent == indent && IsSequenceItem(lines[index].Text))
        {
            var line = lines[index];
            var item = line.Text.Length == 1 ? "" : line.Text[2..].Trim();
            if (item.Length == 0) throw Error(line.Number, "nested blocks inside sequences are not supported");
            if (FindMappingColon(item) is not null && item[0] is not '"' and not '\'' && item[0] != '[')
                throw Error(line.Number, "mappings inside sequences are not supported");
            list.Add(Scalar(item, line.Number));
            index++;
        }
        return list;
    }

    /// <summary>The colon that ends a mapping key: followed by a space or the end, outside quotes.</summary>
    private static int? FindMappingColon(string text)
    {
        char? quote = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote is not null) { if (c == quote) quote = null; continue; }
            if (c is '"' or '\'' && i == 0) { quote = c; continue; }
            if (c == ':' && (i + 1 == text.Length || text[i + 1] == ' ')) return i;
        }
        return null;
    }

    private static object? Scalar(string text, int number)
    {
        if (text[0] is '&' or '*' or '!' or '|' or '>' or '{')
            throw Error(number, $"unsupported YAML construct '{text}' (anchors, tags, block scalars, flow mappings)");
        if (text[0] == '[') return FlowSequence(text, number);
        if (text is "~" or "null") return null;
        return Unquote(text, number);
    }

    private static List<object?> FlowSequence(string text, int number)
    {
        if (!text.EndsWith(']')) throw Error(number, "a flow sequence must end on its line");
        var items = new List<object?>();
        var inner = text[1..^1];
        var current = new StringBuilder();
        char? quote = null;
        for (var i = 0; i < inner.Length; i++)
        {
            var c = inner[i];
            if (quote is not null)
            {
                current.Append(c);
                if (c == '\\' && quote == '"' && i + 1 < inner.Length) { current.Append(inner[++i]); continue; }
                if (c == quote) quote = null;
                continue;
            }
            if (c is '"' or '\'') { quote = c; current.Append(c); continue; }
            if (c is '[' or '{') throw Error(number, "nested flow collections are not supported");
            if (c == ',') { items.Add(Unquote(current.ToString().Trim(), number)); current.Clear(); continue; }
            current.Append(c);
        }
        if (quote is not null) throw Error(number, "unterminated quote");
        if (current.ToString().Trim().Length > 0) items.Add(Unquote(current.ToString().Trim(), number));
        return items;
    }

    private static string Unquote(string text, int number)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'') return text[1..^1].Replace("''", "'");
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var sb = new StringBuilder();
            for (var i = 1; i < text.Length - 1; i++)
            {
                var c = text[i];
                if (c != '\\') { sb.Append(c); continue; }
                if (++i >= text.Length - 1) throw Error(number, "dangling escape");
                sb.Append(text[i] switch { 'n' => '\n', 't' => '\t', '"' => '"', '\\' => '\\', '/' => '/', _ => throw Error(number, $"unsupported escape \\{text[i]}") });
            }
            return sb.ToString();
        }
        if (text[0] is '"' or '\'') throw Error(number, "unterminated quote");
        return text;
    }

    /// <summary>Drops a comment: '#' at the start or after whitespace, outside quotes.</summary>
    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null) { if (c == quote) quote = null; continue; }
            if (c is '"' or '\'' && (i == 0 || line[i - 1] is ' ' or '[' or ',' or ':' || line[..i].Trim() is "-" or "")) { quote = c; continue; }
            if (c == '#' && (i == 0 || char.IsWhiteSpace(line[i - 1]))) return line[..i];
        }
        return line;
    }

    private static FormatException Error(int line, string message) => new($"YAML line {line}: {message}");
}
