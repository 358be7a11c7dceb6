using System.Text.Json.Nodes;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>
/// The per-class paraphrase suites of issue 21 (tests/corpus/paraphrase-classes.jsonl and paraphrase-more.jsonl, generated from
/// tests/corpus/src/*.txt): amounts vs fractions, money-first buys, condition-first triggers, leverage idioms, exits,
/// spelled numbers, whole-fleet questions, off-topic statements and typos. Every line must reproduce exactly.
/// The private held-out set (heldout-private.jsonl) was written before the parser was tuned and is scored, not
/// required to be perfect: at least 97% exact and never a gated step other than the one meant.
/// </summary>
public sealed class ParaphraseSuiteTests
{
    private static readonly OfflineParser Parser = new(SystemRegistry.Default);

    private static List<(string Text, string Class, JsonNode Expect)> Load(string file) =>
        File.ReadLines(CorpusFile.Path(file))
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonNode.Parse(line)!)
            .Select(n => (n["text"]!.GetValue<string>(), n["class"]?.GetValue<string>() ?? "", n["expect"]!))
            .ToList();

    private static List<(string Text, string Class, JsonNode Expect)> LoadSuites() =>
        [.. Load("paraphrase-classes.jsonl"), .. Load("paraphrase-more.jsonl")];

    public static IEnumerable<TheoryDataRow<string>> Classes() =>
        LoadSuites().Select(e => e.Class).Distinct().Select(c => new TheoryDataRow<string>(c));

    [Theory]
    [MemberData(nameof(Classes))]
    public void Every_paraphrase_of_the_class_parses_to_the_expected_plan(string @class)
    {
        var examples = LoadSuites().Where(e => e.Class == @class).ToList();
        Assert.True(examples.Count >= 15, $"class {@class} should have at least 15 paraphrases, has {examples.Count}");
        var failures = examples.Select(e => (e.Text, Diff: PlanExpectation.Difference(Parser.Parse(e.Text), e.Expect)))
            .Where(r => r.Diff is not null).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures.Select(f => $"{f.Text}: {f.Diff}")));
    }

    [Fact]
    public void The_private_held_out_set_scores_at_least_97_percent_with_no_unsafe_gated_step()
    {
        var examples = Load("heldout-private.jsonl");
        var results = examples.Select(e => (e.Text, e.Expect, Plan: Parser.Parse(e.Text))).ToList();
        var misses = results.Where(r => PlanExpectation.Difference(r.Plan, r.Expect) is not null).ToList();
        var unsafeMisses = misses.Where(r => r.Plan.Confirm).ToList();
        var score = 1.0 - (double)misses.Count / results.Count;
        var report = string.Join("\n", misses.Select(m => $"{m.Text}: {PlanExpectation.Difference(m.Plan, m.Expect)}"));
        Assert.True(unsafeMisses.Count == 0, $"gated steps that differ from what was meant:\n{report}");
        Assert.True(score >= 0.97, $"held-out score {score:P1} ({misses.Count} of {results.Count} missed):\n{report}");
    }

    [Fact]
    public void A_typo_correction_is_shown_on_the_plan()
    {
        var plan = Parser.Parse("restrat alpha");
        Assert.Equal(PlanKind.Plan, plan.Kind);
        Assert.Contains(plan.Notes, n => n.Contains("'restrat'", StringComparison.Ordinal) && n.Contains("'restart'", StringComparison.Ordinal));
        Assert.Empty(Parser.Parse("restart alpha").Notes);
    }
}
