using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Systems;
using Microsoft.Extensions.AI;

namespace AiTradingBot.Llm.Tools;

/// <summary>
/// The tools offered to the model, built once per system registry: one function per catalog action plus
/// <see cref="AskUserTool"/>, the only way for the model to ask the user a question.
/// </summary>
public sealed class ToolSet
{
    /// <summary>Name of the meta tool that turns into a clarify plan.</summary>
    public const string AskUserTool = "ask_user";

    private readonly FrozenDictionary<string, ActionDescriptor> _byTool;

    /// <summary>Every tool declaration, catalog order, then <see cref="AskUserTool"/>.</summary>
    public IReadOnlyList<AIFunctionDeclaration> Declarations { get; }

    /// <summary>The tools as <see cref="AITool"/>s for <see cref="ChatOptions.Tools"/>.</summary>
    public IList<AITool> Tools { get; }

    /// <summary>The registry the system enums were generated from.</summary>
    public SystemRegistry Systems { get; }

    /// <summary>Generates the tool declarations from <see cref="ActionCatalog.All"/> and the configured systems.</summary>
    public ToolSet(SystemRegistry systems)
    {
        Systems = systems;
        var declarations = new List<AIFunctionDeclaration>();
        foreach (var action in ActionCatalog.All.Where(a => a.ModelTool))
        {
            var schema = JsonSerializer.SerializeToElement(ToolSchemaBuilder.Build(action, systems));
            var description = action.Gated
                ? $"{action.Description} State-changing: proposing it only prepares a confirmation for the user; it never runs by itself."
                : $"{action.Description} Read-only.";
            declarations.Add(AIFunctionFactory.CreateDeclaration(action.ToolName, description, schema));
        }
        declarations.Add(AIFunctionFactory.CreateDeclaration(AskUserTool,
            "Ask the user one short question when a required detail (amount, side, system, symbol) is missing or the request is ambiguous. Never guess instead.",
            JsonSerializer.SerializeToElement(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["question"] = new JsonObject { ["type"] = "string", ["description"] = "The question to ask." } },
                ["required"] = new JsonArray("question"),
                ["additionalProperties"] = false,
            })));
        Declarations = declarations;
        Tools = declarations.Cast<AITool>().ToList().AsReadOnly();
        _byTool = ActionCatalog.All.Where(a => a.ModelTool).ToFrozenDictionary(a => a.ToolName, StringComparer.Ordinal);
    }

    /// <summary>The catalog action of a tool name exactly as offered, or null.</summary>
    public ActionDescriptor? Find(string toolName) => _byTool.GetValueOrDefault(toolName);
}
