using System.Text.Json;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Llm.Evaluation;

/// <summary>One corpus line: the text and the plan it should become (<c>dev.jsonl</c> format).</summary>
public sealed record CorpusCase(int Line, string Text, Plan Expected)
{
    /// <summary>The category this case is scored in.</summary>
    public EvalCategory Category => CorpusEvaluator.Categorize(Expected);

    /// <summary>
    /// Parses <c>{"text": "...", "expect": {"kind": "plan|clarify|none", "steps": [{"action", "args"}]}}</c>; expected
    /// steps are read with the same strict reader as model output, so a corpus typo is an error, not a silent miss.
    /// </summary>
    public static CorpusCase Parse(string json, int line)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            var text = root.GetProperty("text").GetString() ?? throw new FormatException("'text' is null");
            var expect = root.GetProperty("expect");
            var kind = expect.GetProperty("kind").GetString() switch
            {
                "plan" => PlanKind.Plan,
                "clarify" => PlanKind.Clarify,
                "none" => PlanKind.None,
                var other => throw new FormatException($"unknown kind '{other}'"),
            };
            var steps = new List<PlanStep>();
            if (expect.TryGetProperty("steps", out var array))
                foreach (var item in array.EnumerateArray())
                {
                    var action = item.GetProperty("action").GetString() ?? "";
                    var read = PlanJson.ReadStep(action, item.TryGetProperty("args", out var a) ? a : default);
                    steps.Add(read.Step ?? throw new FormatException(read.Error));
                }
            if (kind == PlanKind.Plan && steps.Count == 0) throw new FormatException("kind plan needs steps");
            if (kind != PlanKind.Plan && steps.Count > 0) throw new FormatException($"kind {kind.ToString().ToLowerInvariant()} must have no steps");
            var expected = kind switch
            {
                PlanKind.Plan => Plan.Of(text, steps),
                PlanKind.Clarify => Plan.Clarification(text, ""),
                _ => Plan.Nothing(text),
            };
            if (expect.TryGetProperty("confirm", out var confirm) && confirm.ValueKind is JsonValueKind.True or JsonValueKind.False
                && confirm.GetBoolean() != expected.Confirm)
                throw new FormatException($"'confirm' is {confirm.GetBoolean()} but the steps make it {expected.Confirm}");
            return new CorpusCase(line, text, expected);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new FormatException($"corpus line {line}: {e.Message}", e);
        }
    }

    /// <summary>Reads a JSONL corpus; blank lines and lines starting with <c>//</c> are skipped.</summary>
    public static IReadOnlyList<CorpusCase> Load(string path)
    {
        var cases = new List<CorpusCase>();
        var n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith("//", StringComparison.Ordinal)) continue;
            cases.Add(Parse(line, n));
        }
        return cases;
    }
}
