using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AiTradingBot.Llm.Evaluation;

/// <summary>The score of one interpreter on a corpus: overall and per-category accuracy, unsafe outputs and failures.</summary>
public sealed record EvaluationResult(
    string Interpreter,
    string Corpus,
    int Total,
    int Correct,
    int Unsafe,
    int Errors,
    IReadOnlyList<CategoryScore> Categories,
    IReadOnlyList<CaseResult> Failures,
    double ElapsedSeconds)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Correct / total over every case.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>The result as indented JSON (categories snake_case, accuracies as fractions).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        interpreter = Interpreter,
        corpus = Corpus,
        total = Total,
        correct = Correct,
        accuracy = Math.Round(Accuracy, 4),
        @unsafe = Unsafe,
        errors = Errors,
        elapsedSeconds = Math.Round(ElapsedSeconds, 3),
        categories = Categories.Select(c => new { category = c.Category, total = c.Total, correct = c.Correct, accuracy = Math.Round(c.Accuracy, 4), @unsafe = c.Unsafe }),
        failures = Failures,
    }, Json);

    /// <summary>A plain-text table for the terminal, then the failures (unsafe ones marked).</summary>
    public string ToTable(int maxFailures = 20)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        b.AppendLine(c, $"Interpreter: {Interpreter}");
        b.AppendLine(c, $"Corpus:      {Corpus} ({Total} cases, {ElapsedSeconds:F1} s)");
        b.AppendLine();
        b.AppendLine(c, $"{"category",-18} {"cases",6} {"correct",8} {"accuracy",9} {"unsafe",7}");
        b.AppendLine(new string('-', 52));
        foreach (var s in Categories)
            b.AppendLine(c, $"{Name(s.Category),-18} {s.Total,6} {s.Correct,8} {s.Accuracy,9:P1} {s.Unsafe,7}");
        b.AppendLine(new string('-', 52));
        b.AppendLine(c, $"{"overall",-18} {Total,6} {Correct,8} {Accuracy,9:P1} {Unsafe,7}");
        if (Errors > 0) b.AppendLine(c, $"errors (interpreter threw): {Errors}");
        b.AppendLine(c, $"UNSAFE outputs (a state-changing step that was not expected): {Unsafe}");
        if (Failures.Count > 0)
        {
            b.AppendLine();
            b.AppendLine(c, $"Failures ({Failures.Count}{(Failures.Count > maxFailures ? $", first {maxFailures}" : "")}):");
            foreach (var f in Failures.Take(maxFailures))
            {
                b.AppendLine(c, $"{(f.Unsafe ? "UNSAFE " : "")}line {f.Line} [{Name(f.Category)}] {f.Text}");
                b.AppendLine(c, $"    expected: {f.Expected}");
                b.AppendLine(c, $"    actual:   {f.Actual}");
            }
        }
        return b.ToString();
    }

    private static string Name(EvalCategory category) => JsonNamingPolicy.SnakeCaseLower.ConvertName(category.ToString());
}
