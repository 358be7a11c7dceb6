using System.Text;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>Compose's variable substitution: <c>$$</c>, <c>$NAME</c>, <c>${NAME}</c>, <c>${NAME:-default}</c>, <c>${NAME-default}</c>, <c>${NAME:?error}</c>, <c>${NAME?error}</c>.</summary>
internal static class ComposeInterpolation
{
    /// <summary>Substitutes variables from <paramref name="env"/>; a missing required variable throws with compose's message.</summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string> env)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$') { sb.Append(text[i]); continue; }
            if (i + 1 < text.Length && text[i + 1] == '$') { sb.Append('$'); i++; continue; }
            var (name, op, arg, end) = Reference(text, i);
            if (name is null) { sb.Append('$'); continue; }
            env.TryGetValue(name, out var value);
            sb.Append(op switch
            {
                ":-" => string.IsNullOrEmpty(value) ? Interpolate(arg!, env) : value,
                "-" => value ?? Interpolate(arg!, env),
                ":?" => string.IsNullOrEmpty(value) ? throw new InvalidOperationException($"required variable {name} is missing a value: {arg}") : value,
                "?" => value ?? throw new InvalidOperationException($"required variable {name} is missing a value: {arg}"),
                _ => value ?? "",
            });
            i = end;
        }
        return sb.ToString();
    }

    /// <summary>Every variable name the text references (not counting <c>$$</c> escapes).</summary>
    public static IEnumerable<string> References(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '$') continue;
            if (i + 1 < text.Length && text[i + 1] == '$') { i++; continue; }
            var (name, _, arg, end) = Reference(text, i);
            if (name is null) continue;
            yield return name;
            if (arg is not null) foreach (var inner in References(arg)) yield return inner;
            i = end;
        }
    }

    // Parses the reference starting at text[start] == '$': its name, operator, argument and the index of its last char.
    private static (string? Name, string? Op, string? Arg, int End) Reference(string text, int start)
    {
        var i = start + 1;
        if (i < text.Length && text[i] == '{')
        {
            var close = MatchingBrace(text, i);
            var body = text[(i + 1)..close];
            var nameLength = 0;
            while (nameLength < body.Length && (char.IsAsciiLetterOrDigit(body[nameLength]) || body[nameLength] == '_')) nameLength++;
            var name = body[..nameLength];
            var rest = body[nameLength..];
            foreach (var op in new[] { ":-", ":?", "-", "?" })
            {
                if (rest.StartsWith(op, StringComparison.Ordinal)) return (name, op, rest[op.Length..], close);
            }
            if (rest.Length > 0) throw new FormatException($"unsupported substitution ${{{body}}}");
            return (name, null, null, close);
        }
        var j = i;
        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_')) j++;
        return j == i ? (null, null, null, start) : (text[i..j], null, null, j - 1);
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            if (text[i] == '{') depth++;
            else if (text[i] == '}' && --depth == 0) return i;
        }
        throw new FormatException($"unterminated ${{ in '{text}'");
    }
}
