using System.Text.Json.Nodes;
using AiTradingBot.Core.Plans;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

/// <summary>Compares a plan with an expected contract JSON object ({kind, confirm?, steps}) structurally.</summary>
internal static class PlanExpectation
{
    /// <summary>Null when the plan matches, else a description of the difference.</summary>
    public static string? Difference(Plan plan, JsonNode expect)
    {
        var actual = PlanJson.ToNode(plan);
        if (!Same(actual["kind"], expect["kind"])) return $"kind: expected {expect["kind"]}, got {actual["kind"]} ({plan.Clarify ?? plan.Reason})";
        if (expect["confirm"] is { } confirm && !Same(actual["confirm"], confirm)) return $"confirm: expected {confirm}, got {actual["confirm"]}";
        if (!Same(actual["steps"], expect["steps"])) return $"steps: expected {expect["steps"]?.ToJsonString()}, got {actual["steps"]?.ToJsonString()}";
        return null;
    }

    /// <summary>Asserts the plan matches the expectation, naming the input on failure.</summary>
    public static void Matches(Plan plan, JsonNode expect)
    {
        var difference = Difference(plan, expect);
        Assert.True(difference is null, $"\"{plan.Input}\": {difference}");
    }

    /// <summary>Structural JSON equality: object keys in any order, numbers compared numerically (45000 == 45000.0).</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(kv => y.TryGetPropertyValue(kv.Key, out var other) && Same(kv.Value, other)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (JsonValue x, JsonValue y) when x.TryGetValue<decimal>(out var dx) && y.TryGetValue<decimal>(out var dy) => dx == dy,
        (JsonValue x, JsonValue y) => x.ToJsonString() == y.ToJsonString(),
        _ => false,
    };
}
