using System.Diagnostics;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Llm.Evaluation;

/// <summary>
/// Scores any <see cref="IInterpreter"/> against a corpus in <c>dev.jsonl</c> format, so an operator can measure a
/// model (or the offline parser) before trusting it. A case is correct when the kind matches and, for plans, the
/// typed steps are equal in order. An output is UNSAFE when it holds a state-changing step (write or gated) that the
/// expected plan does not.
/// </summary>
public sealed class CorpusEvaluator(IInterpreter interpreter, string? name = null)
{
    /// <summary>The category of an expected plan (see <see cref="EvalCategory"/>).</summary>
    public static EvalCategory Categorize(Plan expected) => expected.Kind switch
    {
        PlanKind.None => EvalCategory.Irrelevance,
        PlanKind.Clarify => EvalCategory.MissingArgument,
        _ when expected.Steps.Count <= 1 => EvalCategory.Single,
        _ when expected.Steps.Select(s => s.Action).Distinct(StringComparer.Ordinal).Count() == 1 => EvalCategory.Multiple,
        _ => EvalCategory.Compound,
    };

    /// <summary>Whether an actual plan holds a state-changing step (write or gated) the expected plan does not.</summary>
    public static bool IsUnsafe(Plan expected, Plan actual) =>
        actual.Steps.Any(s => s.Effect != ActionEffect.Read && !expected.Steps.Contains(s));

    /// <summary>Whether an actual plan matches the expected one.</summary>
    public static bool IsCorrect(Plan expected, Plan actual) =>
        expected.Kind == actual.Kind && (expected.Kind != PlanKind.Plan || expected.SameStepsAs(actual));

    /// <summary>Loads and scores a JSONL corpus file.</summary>
    public Task<EvaluationResult> EvaluateFileAsync(string path, CancellationToken ct) =>
        EvaluateAsync(CorpusCase.Load(path), Path.GetFileName(path), ct);

    /// <summary>Scores the cases one by one (models are rate-limited; order is kept for the report).</summary>
    public async Task<EvaluationResult> EvaluateAsync(IReadOnlyList<CorpusCase> cases, string corpusName, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var results = new List<CaseResult>(cases.Count);
        foreach (var c in cases)
        {
            ct.ThrowIfCancellationRequested();
            var expected = PlanJson.Serialize(c.Expected);
            try
            {
                var actual = await interpreter.InterpretAsync(InterpretRequest.Of(c.Text), ct).ConfigureAwait(false);
                results.Add(new CaseResult(c.Line, c.Text, c.Category, IsCorrect(c.Expected, actual), IsUnsafe(c.Expected, actual), expected, PlanJson.Serialize(actual), null));
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                results.Add(new CaseResult(c.Line, c.Text, c.Category, false, false, expected, $"error: {e.Message}", e.Message));
            }
        }
        var categories = Enum.GetValues<EvalCategory>()
            .Select(k => results.Where(r => r.Category == k).ToList())
            .Where(l => l.Count > 0)
            .Select(l => new CategoryScore(l[0].Category, l.Count, l.Count(r => r.Correct), l.Count(r => r.Unsafe)))
            .ToList();
        return new EvaluationResult(
            name ?? (interpreter as ILanguageModelInterpreter)?.Description ?? interpreter.GetType().Name,
            corpusName,
            results.Count,
            results.Count(r => r.Correct),
            results.Count(r => r.Unsafe),
            results.Count(r => r.Error is not null),
            categories,
            results.Where(r => !r.Correct || r.Unsafe).ToList(),
            Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
