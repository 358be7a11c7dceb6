using System.Text.Json.Nodes;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Systems;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>Every plan in the shared corpus dev.jsonl is reproduced exactly by the offline parser.</summary>
public sealed class DevCorpusTests
{
    private static readonly OfflineParser Parser = new(SystemRegistry.Default);

    public static IEnumerable<TheoryDataRow<string, string>> Examples() =>
        File.ReadLines(CorpusFile.Path("dev.jsonl"))
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line => JsonNode.Parse(line)!)
            .Select(node => new TheoryDataRow<string, string>(node["text"]!.GetValue<string>(), node["expect"]!.ToJsonString()));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Dev_corpus_example_parses_to_the_expected_plan(string text, string expect) =>
        PlanExpectation.Matches(Parser.Parse(text), JsonNode.Parse(expect)!);

    [Fact]
    public void The_whole_dev_corpus_is_reproduced()
    {
        var examples = Examples().ToList();
        var failures = examples.Select(e => (Text: e.Data.Item1, Diff: PlanExpectation.Difference(Parser.Parse(e.Data.Item1), JsonNode.Parse(e.Data.Item2)!)))
            .Where(r => r.Diff is not null).ToList();
        Assert.True(examples.Count >= 100, $"dev.jsonl should hold the shared corpus, found {examples.Count} lines");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Select(f => $"{f.Text}: {f.Diff}")));
    }
}
