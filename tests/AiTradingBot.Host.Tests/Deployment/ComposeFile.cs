namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>docker-compose.yml as data: its services and their settings (values as written, before interpolation).</summary>
internal sealed class ComposeFile
{
    private ComposeFile(Dictionary<string, object?> root, string text)
    {
        Root = root;
        Text = text;
        Services = (root.GetValueOrDefault("services") as Dictionary<string, object?>
            ?? throw new FormatException("docker-compose.yml has no services mapping"))
            .ToDictionary(kv => kv.Key, kv => kv.Value as Dictionary<string, object?> ?? throw new FormatException($"service {kv.Key} is not a mapping"));
    }

    /// <summary>The whole document.</summary>
    public Dictionary<string, object?> Root { get; }

    /// <summary>The file's text (for variable references).</summary>
    public string Text { get; }

    /// <summary>Services by name.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, object?>> Services { get; }

    /// <summary>Parses the file.</summary>
    public static ComposeFile Parse(string text) => new(MiniYaml.Parse(text), text);

    /// <summary>A service, or a failure naming it.</summary>
    public Dictionary<string, object?> Service(string name) =>
        Services.TryGetValue(name, out var s) ? s : throw new KeyNotFoundException($"docker-compose.yml has no service '{name}'");

    /// <summary>
    /// A service's <c>environment</c>, in either compose form (mapping, or a list of <c>KEY=value</c> / <c>KEY</c>).
    /// A null value means "pass through from the environment compose runs in (.env)".
    /// </summary>
    public static IReadOnlyList<(string Name, string? Value)> Environment(Dictionary<string, object?> service)
    {
        switch (service.GetValueOrDefault("environment"))
        {
            case null: return [];
            case Dictionary<string, object?> map:
                return map.Select(kv => (kv.Key, kv.Value switch { null => null, string s => s, _ => throw new FormatException($"environment {kv.Key} must be a scalar") })).ToList();
            case List<object?> list:
                return list.Select(item => item is string s
                    ? (s.Contains('=') ? (s[..s.IndexOf('=')], (string?)s[(s.IndexOf('=') + 1)..]) : (s, null))
                    : throw new FormatException("environment list items must be strings")).ToList();
            default: throw new FormatException("environment must be a mapping or a list");
        }
    }

    /// <summary>A service's <c>env_file</c> entries (compose accepts a string or a list).</summary>
    public static IReadOnlyList<string> EnvFiles(Dictionary<string, object?> service) => service.GetValueOrDefault("env_file") switch
    {
        null => [],
        string s => [s],
        List<object?> list => list.Select(o => o as string ?? throw new FormatException("env_file entries must be strings")).ToList(),
        _ => throw new FormatException("env_file must be a string or a list"),
    };

    /// <summary>Every key and scalar value in the file (comments excluded), for variable references.</summary>
    public IEnumerable<string> Scalars() => Walk(Root);

    private static IEnumerable<string> Walk(object? node)
    {
        switch (node)
        {
            case string s:
                yield return s;
                break;
            case Dictionary<string, object?> map:
                foreach (var (k, v) in map)
                {
                    yield return k;
                    foreach (var inner in Walk(v)) yield return inner;
                }
                break;
            case List<object?> list:
                foreach (var item in list)
                    foreach (var inner in Walk(item)) yield return inner;
                break;
        }
    }

    /// <summary>A nested value by path (e.g. <c>depends_on</c>, <c>postgres</c>, <c>condition</c>), or null.</summary>
    public static object? Get(Dictionary<string, object?> node, params string[] path)
    {
        object? current = node;
        foreach (var key in path)
        {
            if (current is not Dictionary<string, object?> map || !map.TryGetValue(key, out current)) return null;
        }
        return current;
    }
}
