using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;

namespace AiTradingBot.Llm.Tools;

/// <summary>
/// Generates the JSON Schema of an action's arguments from its catalog description (names, JSON types, enums,
/// ranges, defaults, descriptions). System arguments become an enum of the configured systems. Nothing is written twice.
/// </summary>
public static class ToolSchemaBuilder
{
    /// <summary>The parameters schema (<c>{"type":"object", ...}</c>) of one action.</summary>
    public static JsonObject Build(ActionDescriptor action, SystemRegistry systems) => ObjectSchema(action.Parameters, systems);

    /// <summary>The schema of one argument (what a Semantic Kernel parameter carries).</summary>
    public static JsonObject Parameter(ParameterDescriptor parameter, SystemRegistry systems) => PropertySchema(parameter, systems);

    private static JsonObject ObjectSchema(IReadOnlyList<ParameterDescriptor> parameters, SystemRegistry systems)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        foreach (var p in parameters)
        {
            properties[p.Name] = PropertySchema(p, systems);
            if (p.Required) required.Add(p.Name);
        }
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        if (required.Count > 0) schema["required"] = required;
        // Unknown arguments are rejected by PlanJson.ReadStep anyway; saying so up front saves the model a failed call.
        schema["additionalProperties"] = false;
        return schema;
    }

    private static JsonObject PropertySchema(ParameterDescriptor p, SystemRegistry systems)
    {
        JsonObject schema = p.Kind switch
        {
            ParameterKind.String => new JsonObject { ["type"] = "string" },
            ParameterKind.Integer => new JsonObject { ["type"] = "integer" },
            ParameterKind.Number => new JsonObject { ["type"] = "number" },
            ParameterKind.Boolean => new JsonObject { ["type"] = "boolean" },
            ParameterKind.Enum => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(p.EnumValues.Select(v => (JsonNode)v).ToArray()) },
            _ => ObjectSchema(p.Properties, systems),
        };
        var description = p.Description;
        if (p.IsSystem)
        {
            var names = systems.Systems.Select(s => s.Name).ToList();
            if (p.AllowsAll) names.Add(SystemRegistry.All);
            schema["enum"] = new JsonArray(names.Select(n => (JsonNode)n).ToArray());
        }
        if (p.IsSymbol)
            description = Append(description, p.AllowsAll
                ? "An exchange symbol such as BTCUSDT (a bare coin means its USDT pair), or \"all\"."
                : "An exchange symbol such as BTCUSDT (a bare coin means its USDT pair).");
        if (!string.IsNullOrEmpty(description)) schema["description"] = description;
        if (p.Minimum is { } min) schema["minimum"] = Number(min, p.Kind);
        if (p.Maximum is { } max) schema["maximum"] = Number(max, p.Kind);
        if (p.HasDefault && p.DefaultValue is { } value) schema["default"] = DefaultNode(value);
        return schema;
    }

    private static string Append(string text, string more) => string.IsNullOrEmpty(text) ? more : $"{text.TrimEnd()} {more}";

    private static JsonNode Number(decimal value, ParameterKind kind) =>
        kind == ParameterKind.Integer ? JsonValue.Create((long)value) : JsonValue.Create(PlanJson.Normalize(value));

    // Defaults are written exactly as the plan contract writes them (camelCase enums, plain numbers).
    private static JsonNode? DefaultNode(object value) => JsonSerializer.SerializeToNode(value, value.GetType(), PlanJson.Options);
}
