using System.Text.Json;
using System.Text.RegularExpressions;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>The parts of docker/Dockerfile that decide how the app runs: its stages, final ENV, USER, HEALTHCHECK and command.</summary>
internal sealed partial class DockerfileSpec
{
    /// <summary>Base image of each stage, in order.</summary>
    public List<string> Stages { get; } = [];

    /// <summary>ENV of the final stage, in order.</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>USER of the final stage (null: root).</summary>
    public string? User { get; private set; }

    /// <summary>The HEALTHCHECK instruction's text.</summary>
    public string? Healthcheck { get; private set; }

    /// <summary>ENTRYPOINT (exec form).</summary>
    public string[] Entrypoint { get; private set; } = [];

    /// <summary>CMD (exec form).</summary>
    public string[] Command { get; private set; } = [];

    /// <summary>The process the container starts: ENTRYPOINT followed by CMD.</summary>
    public string[] StartCommand => [.. Entrypoint, .. Command];

    /// <summary>Parses instructions (joined across backslash continuations); ENV, USER, CMD... reset at each FROM.</summary>
    public static DockerfileSpec Parse(string text)
    {
        var spec = new DockerfileSpec();
        foreach (var instruction in Instructions(text))
        {
            var space = instruction.IndexOf(' ');
            var keyword = (space < 0 ? instruction : instruction[..space]).ToUpperInvariant();
            var args = space < 0 ? "" : instruction[(space + 1)..].Trim();
            switch (keyword)
            {
                case "FROM":
                    spec.Stages.Add(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
                    spec.Environment.Clear();
                    spec.User = null;
                    spec.Healthcheck = null;
                    spec.Entrypoint = [];
                    spec.Command = [];
                    break;
                case "ENV":
                    foreach (Match m in EnvPair().Matches(args)) spec.Environment[m.Groups[1].Value] = m.Groups[2].Value.Trim('"');
                    break;
                case "USER": spec.User = args; break;
                case "HEALTHCHECK": spec.Healthcheck = args; break;
                case "ENTRYPOINT": spec.Entrypoint = ExecForm(keyword, args); break;
                case "CMD": spec.Command = ExecForm(keyword, args); break;
            }
        }
        return spec;
    }

    private static string[] ExecForm(string keyword, string args) =>
        args.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(args)! : throw new FormatException($"{keyword} must use the exec (JSON array) form so signals reach the app: {args}");

    private static IEnumerable<string> Instructions(string text)
    {
        var current = "";
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.Length == 0) continue;
            if (line.EndsWith('\\')) { current += line[..^1] + " "; continue; }
            yield return (current + line).Trim();
            current = "";
        }
        if (current.Length > 0) yield return current.Trim();
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)")]
    private static partial Regex EnvPair();
}
