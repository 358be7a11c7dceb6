using System.Text.RegularExpressions;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>
/// .env.example: settings that are set (<c>KEY=value</c>) and settings that are only documented, commented out with
/// their default or an example (<c># KEY=value</c>).
/// </summary>
internal sealed partial class DotEnvFile
{
    private DotEnvFile(Dictionary<string, string> set, Dictionary<string, string> documented)
    {
        Set = set;
        Documented = documented;
    }

    /// <summary>Uncommented <c>KEY=value</c> lines: what compose reads when this file is the .env.</summary>
    public IReadOnlyDictionary<string, string> Set { get; }

    /// <summary>Commented-out <c># KEY=value</c> lines: documented settings left at their default.</summary>
    public IReadOnlyDictionary<string, string> Documented { get; }

    /// <summary>Every name the file lists, set or documented.</summary>
    public IEnumerable<string> AllNames => Set.Keys.Concat(Documented.Keys);

    /// <summary>The value a set entry has, else the documented example, else null.</summary>
    public string? ExampleValue(string name) =>
        Set.TryGetValue(name, out var v) ? v : Documented.TryGetValue(name, out var d) ? d : null;

    /// <summary>Parses the file; a name listed twice is an error.</summary>
    public static DotEnvFile Parse(string text)
    {
        var set = new Dictionary<string, string>(StringComparer.Ordinal);
        var documented = new Dictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            if (SetLine().Match(line) is { Success: true } s)
            {
                var name = s.Groups[1].Value;
                if (set.ContainsKey(name) || documented.ContainsKey(name)) throw new FormatException($".env.example line {number}: {name} is listed twice");
                set[name] = Unquote(s.Groups[2].Value);
            }
            else if (DocumentedLine().Match(line) is { Success: true } d)
            {
                var name = d.Groups[1].Value;
                if (set.ContainsKey(name) || documented.ContainsKey(name)) throw new FormatException($".env.example line {number}: {name} is listed twice");
                documented[name] = Unquote(d.Groups[2].Value);
            }
            else if (!line.StartsWith('#'))
            {
                throw new FormatException($".env.example line {number}: expected KEY=value or a comment, got '{line}'");
            }
        }
        return new DotEnvFile(set, documented);
    }

    private static string Unquote(string value)
    {
        value = value.Trim();
        return value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'') ? value[1..^1] : value;
    }

    [GeneratedRegex(@"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex SetLine();

    [GeneratedRegex(@"^#\s?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex DocumentedLine();
}
