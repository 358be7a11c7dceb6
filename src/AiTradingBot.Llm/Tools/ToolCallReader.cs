using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;
using Microsoft.Extensions.AI;

namespace AiTradingBot.Llm.Tools;

/// <summary>
/// Turns one model tool call into a typed step, strictly: the tool must be one we offered, the arguments valid JSON
/// read by <see cref="PlanJson.ReadStep"/>, systems configured (aliases become canonical names) and symbols resolvable.
/// Anything else is an error that says what was wrong; nothing is guessed.
/// </summary>
public sealed class ToolCallReader(ToolSet tools)
{
    /// <summary>Reads a function call from any <see cref="IChatClient"/>.</summary>
    public ToolCallOutcome Read(FunctionCallContent call)
    {
        if (call.Exception is not null)
            return ToolCallOutcome.Fail($"the arguments of {Safe(call.Name)} were not valid JSON ({call.Exception.GetBaseException().Message})");
        JsonElement args;
        try
        {
            args = call.Arguments is null ? default : JsonSerializer.SerializeToElement(call.Arguments);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException)
        {
            return ToolCallOutcome.Fail($"the arguments of {Safe(call.Name)} could not be read ({e.Message})");
        }
        return Read(call.Name, args);
    }

    /// <summary>Reads a tool name and its JSON arguments.</summary>
    public ToolCallOutcome Read(string toolName, JsonElement args)
    {
        if (toolName == ToolSet.AskUserTool)
        {
            var question = args.ValueKind == JsonValueKind.Object && args.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String
                ? q.GetString()?.Trim() : null;
            return string.IsNullOrEmpty(question)
                ? ToolCallOutcome.Fail($"{ToolSet.AskUserTool} needs a question")
                : ToolCallOutcome.Ask(question);
        }
        var action = tools.Find(toolName);
        if (action is null) return ToolCallOutcome.Fail($"there is no tool named '{Safe(toolName)}'");
        if (args.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            return ToolCallOutcome.Fail($"{action.Name}: arguments must be a JSON object");

        var node = args.ValueKind == JsonValueKind.Object ? JsonObject.Create(args)! : new JsonObject();
        foreach (var p in action.Parameters.Where(p => p.IsSystem || p.IsSymbol))
        {
            var key = node.Select(kv => kv.Key).FirstOrDefault(k => k.Equals(p.Name, StringComparison.OrdinalIgnoreCase));
            if (key is null || node[key] is not JsonValue value || !value.TryGetValue<string>(out var text)) continue;
            if (p.IsSystem)
            {
                var canonical = tools.Systems.Canonical(text);
                if (canonical is null)
                    return ToolCallOutcome.Fail($"{action.Name}: system '{Safe(text)}' does not exist (configured: {string.Join(", ", tools.Systems.Systems.Select(s => s.Name))})");
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

    // Names and values come from the model: keep them short and on one line in replies.
    private static string Safe(string text)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= 60 ? oneLine : oneLine[..60] + "…";
    }
}
