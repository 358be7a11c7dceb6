using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace AiTradingBot.Llm.Prompts;

/// <summary>
/// The prompt files: <c>system.md</c> and the report templates (<c>report-*.md</c>). They are read from
/// <c>Llm:PromptsDirectory</c>, else <c>prompts/</c> next to the app, else <c>prompts/</c> in the working directory;
/// <c>Llm:SystemPromptFile</c> replaces the system prompt. Placeholders are <c>{{name}}</c>.
/// </summary>
public sealed partial class PromptLibrary
{
    /// <summary>File name of the system prompt.</summary>
    public const string SystemPromptName = "system.md";

    private readonly LlmOptions _options;
    private readonly ConcurrentDictionary<string, string> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a library over the configured folders.</summary>
    public PromptLibrary(LlmOptions options) => _options = options;

    /// <summary>The folder prompts are read from, or null when none of the candidates exists.</summary>
    public string? Directory => Candidates().FirstOrDefault(System.IO.Directory.Exists);

    /// <summary>The system prompt text (not yet rendered).</summary>
    public string SystemPrompt => _cache.GetOrAdd(SystemPromptName, _ =>
        !string.IsNullOrWhiteSpace(_options.SystemPromptFile) ? ReadFile(_options.SystemPromptFile) : ReadNamed(SystemPromptName));

    /// <summary>A template by file name (e.g. <c>report-daily.md</c>).</summary>
    public string Template(string fileName)
    {
        if (fileName.Contains('/') || fileName.Contains('\\') || fileName.Contains("..", StringComparison.Ordinal))
            throw new ArgumentException($"'{fileName}' is not a plain prompt file name.", nameof(fileName));
        return _cache.GetOrAdd(fileName, ReadNamed);
    }

    /// <summary>Renders a template: <c>{{name}}</c> placeholders replaced; unknown placeholders are an error.</summary>
    public string Render(string fileName, IReadOnlyDictionary<string, string> values) =>
        Fill(fileName == SystemPromptName ? SystemPrompt : Template(fileName), values, fileName);

    /// <summary>Replaces <c>{{name}}</c> placeholders; a placeholder without a value throws, so nothing ships half-filled.</summary>
    public static string Fill(string template, IReadOnlyDictionary<string, string> values, string what = "template") =>
        Placeholder().Replace(template, m => values.TryGetValue(m.Groups[1].Value, out var v)
            ? v
            : throw new KeyNotFoundException($"{what}: no value for placeholder {{{{{m.Groups[1].Value}}}}}."));

    /// <summary>Placeholder names used by a template.</summary>
    public static IReadOnlyList<string> Placeholders(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    [GeneratedRegex(@"\{\{\s*([a-z0-9_]+)\s*\}\}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    private IEnumerable<string> Candidates()
    {
        if (!string.IsNullOrWhiteSpace(_options.PromptsDirectory))
        {
            // An explicit folder is the only candidate: a typo must fail, not silently use the defaults.
            yield return Path.GetFullPath(_options.PromptsDirectory);
            yield break;
        }
        yield return Path.Combine(AppContext.BaseDirectory, "prompts");
        yield return Path.Combine(System.IO.Directory.GetCurrentDirectory(), "prompts");
    }

    private string ReadNamed(string fileName)
    {
        var dir = Directory ?? throw new FileNotFoundException(
            $"No prompts folder found (looked in {string.Join(", ", Candidates())}). Set Llm:PromptsDirectory.");
        return ReadFile(Path.Combine(dir, fileName));
    }

    private static string ReadFile(string path) =>
        File.Exists(path) ? File.ReadAllText(path) : throw new FileNotFoundException($"Prompt file not found: {Path.GetFullPath(path)}", path);
}
