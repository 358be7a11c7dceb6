using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm.Agent;

namespace AiTradingBot.Llm.Tools;

/// <summary>One tool call exactly as the model sent it: call id, the function name it used and the raw arguments text.</summary>
public sealed record ModelToolCall(string Id, string Name, string Arguments);

/// <summary>What one tool call turned into: a typed step, a question for the user, or an error saying what was wrong.</summary>
public sealed record ToolCallOutcome(PlanStep? Step, string? Question, string? Error)
{
    /// <summary>A valid step.</summary>
    public static ToolCallOutcome Ok(PlanStep step) => new(step, null, null);

    /// <summary>The model asks the user.</summary>
    public static ToolCallOutcome Ask(string question) => new(null, question, null);

    /// <summary>The call was rejected.</summary>
    public static ToolCallOutcome Fail(string error) => new(null, null, error);
}

/// <summary>
/// Turns one model tool call into a typed step, strictly: the function must be one we offered (by its exact name),
/// the arguments one JSON object with each key once, read by <see cref="PlanJson.ReadStep"/>, systems configured
/// (aliases become canonical names) and symbols resolvable. Anything else is an error that says what was wrong;
/// nothing is guessed.
/// </summary>
public sealed class ToolCallReader(SystemRegistry systems)
{
    /// <summary>The registry systems are resolved against.</summary>
    public SystemRegistry Systems => systems;

    /// <summary>Reads a raw call.</summary>
    public ToolCallOutcome Read(ModelToolCall call)
    {
        JsonElement args;
        try
        {
            args = ParseArguments(call.Arguments);
        }
        catch (JsonException e)
        {
            return ToolCallOutcome.Fail($"the arguments of {Safe(call.Name)} were not valid JSON ({e.Message})");
        }
        return Read(call.Name, args);
    }

    /// <summary>Reads a tool name and its JSON arguments.</summary>
    public ToolCallOutcome Read(string toolName, JsonElement args)
    {
        if (toolName == CatalogFunctions.AskUserToolName)
        {
            var question = args.ValueKind == JsonValueKind.Object && args.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String
                ? q.GetString()?.Trim() : null;
            return string.IsNullOrEmpty(question)
                ? ToolCallOutcome.Fail($"{CatalogFunctions.AskUserToolName} needs a question")
                : ToolCallOutcome.Ask(question);
        }
        var action = CatalogFunctions.FromToolName(toolName);
        if (action is null) return ToolCallOutcome.Fail($"there is no function named '{Safe(toolName)}'");
        if (args.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            return ToolCallOutcome.Fail($"{action.Name}: arguments must be a JSON object");

        var node = args.ValueKind == JsonValueKind.Object ? JsonObject.Create(args)! : new JsonObject();
        foreach (var p in action.Parameters.Where(p => p.IsSystem || p.IsSymbol))
        {
            var key = node.Select(kv => kv.Key).FirstOrDefault(k => k.Equals(p.Name, StringComparison.OrdinalIgnoreCase));
            if (key is null || node[key] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
            if (p.IsSystem)
            {
                var canonical = systems.Canonical(text);
                if (canonical is null)
                    return ToolCallOutcome.Fail($"{action.Name}: system '{Safe(text)}' does not exist (configured: {string.Join(", ", systems.Systems.Select(s => s.Name))})");
                if (canonical == SystemRegistry.All && !p.AllowsAll)
                    return ToolCallOutcome.Fail($"{action.Name}: '{p.Name}' must name one system, not all");
                node[key] = canonical;
            }
            else
            {
                if (p.AllowsAll && text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) { node[key] = "all"; continue; }
                var symbol = SymbolResolver.Resolve(text);
                if (symbol is null) return ToolCallOutcome.Fail($"{action.Name}: '{Safe(text)}' is not a market symbol I know");
                node[key] = symbol;
            }
        }

        var read = PlanJson.ReadStep(action.Name, JsonSerializer.SerializeToElement(node));
        return read.Step is { } step ? ToolCallOutcome.Ok(step) : ToolCallOutcome.Fail(read.Error ?? $"{action.Name}: invalid arguments");
    }

    /// <summary>Parses arguments strictly: empty means none; otherwise one JSON object, each key once.</summary>
    public static JsonElement ParseArguments(string json)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("arguments must be a JSON object");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
            // A repeated key would let one value be validated and another used; refuse it.
            if (!seen.Add(p.Name)) throw new JsonException($"argument '{p.Name}' appears twice");
        return doc.RootElement.Clone();
    }

    // Names and values come from the model: keep them short and on one line in replies.
    private static string Safe(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : oneLine[..60] + "…";
    }
}
