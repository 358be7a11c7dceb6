using System.Text.Json;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm.Tools;
using Microsoft.Extensions.AI;
using Xunit;

namespace AiTradingBot.Llm.Tests;

/// <summary>Tool schemas are generated from the catalog, once, and have a valid JSON Schema shape.</summary>
public sealed partial class ToolSchemaTests
{
    private static readonly ToolSet Tools = new(SystemRegistry.Default);

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex ToolName();

    public static TheoryData<string> Actions => new(ActionCatalog.All.Where(a => a.ModelTool).Select(a => a.Name));

    [Fact]
    public void Every_catalog_action_has_exactly_one_tool_plus_ask_user()
    {
        var names = Tools.Declarations.Select(d => d.Name).ToList();
        Assert.Equal(ActionCatalog.All.Where(a => a.ModelTool).Select(a => a.ToolName).Append(ToolSet.AskUserTool), names);
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches(ToolName(), n));
    }

    [Fact]
    public void The_dashboard_link_is_never_offered_to_the_model_because_it_is_a_credential()
    {
        Assert.False(ActionCatalog.Find("dashboard.link")!.ModelTool);
        Assert.DoesNotContain(Tools.Declarations, d => d.Name == "dashboard_link");
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public void The_tool_schema_of_each_action_is_a_valid_json_schema_object(string actionName)
    {
        var action = ActionCatalog.Find(actionName)!;
        var declaration = Tools.Declarations.Single(d => d.Name == action.ToolName);
        Assert.StartsWith(action.Description, declaration.Description);
        AssertObjectSchema(declaration.JsonSchema, action.Parameters);
    }

    [Fact]
    public void System_arguments_are_an_enum_of_configured_systems_with_all_only_where_allowed()
    {
        var registry = new SystemRegistry([
            new SystemDefinition("grid", "grid_trading", ["g"], SystemRole.Trading, new Dictionary<string, IReadOnlyList<string>>()),
            new SystemDefinition("db", "pg", [], SystemRole.Infrastructure, new Dictionary<string, IReadOnlyList<string>>()),
        ]);
        var tools = new ToolSet(registry);
        string[] Enum(string tool) => tools.Declarations.Single(d => d.Name == tool).JsonSchema
            .GetProperty("properties").GetProperty("system").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray();

        Assert.Equal(["grid", "db", "all"], Enum("system_stop"));
        Assert.Equal(["grid", "db"], Enum("system_logs"));
        Assert.Equal(["grid", "db"], Enum("portfolio_pnl"));
    }

    [Fact]
    public void Defaults_ranges_and_enums_come_from_the_catalog()
    {
        var logs = Tools.Declarations.Single(d => d.Name == "system_logs").JsonSchema.GetProperty("properties").GetProperty("lines");
        Assert.Equal("integer", logs.GetProperty("type").GetString());
        Assert.Equal(50, logs.GetProperty("default").GetInt32());
        Assert.Equal(1, logs.GetProperty("minimum").GetInt32());
        Assert.Equal(2000, logs.GetProperty("maximum").GetInt32());

        var order = Tools.Declarations.Single(d => d.Name == "order_place").JsonSchema;
        Assert.Equal(["symbol", "side"], order.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        var props = order.GetProperty("properties");
        Assert.Equal(["buy", "sell"], props.GetProperty("side").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("market", props.GetProperty("type").GetProperty("default").GetString());
        Assert.Equal("number", props.GetProperty("qty").GetProperty("type").GetString());
        var trigger = props.GetProperty("trigger");
        Assert.Equal("object", trigger.GetProperty("type").GetString());
        Assert.Equal(["above", "below"], trigger.GetProperty("properties").GetProperty("direction").GetProperty("enum").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Gated_tools_say_they_only_prepare_a_confirmation()
    {
        foreach (var action in ActionCatalog.All.Where(a => a.ModelTool))
        {
            var description = Tools.Declarations.Single(d => d.Name == action.ToolName).Description;
            if (action.Gated) Assert.Contains("never runs by itself", description);
            else Assert.EndsWith("Read-only.", description);
        }
    }

    [Fact]
    public void Every_gated_action_has_intent_keywords_so_it_can_ever_be_asked_for()
    {
        Assert.All(ActionCatalog.All.Where(a => a.Gated), a => Assert.True(ActionIntent.Covers(a.Name), $"{a.Name} has no intent keywords"));
    }

    private static readonly HashSet<string> JsonTypes = ["object", "string", "integer", "number", "boolean", "array", "null"];

    private static void AssertObjectSchema(JsonElement schema, IReadOnlyList<ParameterDescriptor> parameters)
    {
        Assert.Equal(JsonValueKind.Object, schema.ValueKind);
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        var properties = schema.GetProperty("properties");
        Assert.Equal(parameters.Select(p => p.Name), properties.EnumerateObject().Select(p => p.Name));
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
        Assert.Equal(parameters.Where(p => p.Required).Select(p => p.Name), required);
        foreach (var p in parameters)
        {
            var prop = properties.GetProperty(p.Name);
            var type = prop.GetProperty("type").GetString()!;
            Assert.Contains(type, JsonTypes);
            Assert.Equal(p.Kind switch
            {
                ParameterKind.String or ParameterKind.Enum => "string",
                ParameterKind.Integer => "integer",
                ParameterKind.Number => "number",
                ParameterKind.Boolean => "boolean",
                _ => "object",
            }, type);
            Assert.False(string.IsNullOrWhiteSpace(prop.GetProperty("description").GetString()), $"{p.Name} has no description");
            if (prop.TryGetProperty("enum", out var values))
            {
                Assert.NotEmpty(values.EnumerateArray());
                Assert.All(values.EnumerateArray(), v => Assert.Equal(JsonValueKind.String, v.ValueKind));
            }
            if (prop.TryGetProperty("minimum", out var min) && prop.TryGetProperty("maximum", out var max))
                Assert.True(min.GetDecimal() <= max.GetDecimal());
            if (prop.TryGetProperty("default", out var d))
            {
                Assert.False(p.Required);
                switch (type)
                {
                    case "string": Assert.Equal(JsonValueKind.String, d.ValueKind); break;
                    case "integer": Assert.True(d.TryGetInt64(out _)); break;
                    case "number": Assert.Equal(JsonValueKind.Number, d.ValueKind); break;
                    case "boolean": Assert.True(d.ValueKind is JsonValueKind.True or JsonValueKind.False); break;
                }
                if (prop.TryGetProperty("enum", out var allowed)) Assert.Contains(d.GetString(), allowed.EnumerateArray().Select(e => e.GetString()));
                if (prop.TryGetProperty("minimum", out var lo)) Assert.True(d.GetDecimal() >= lo.GetDecimal());
                if (prop.TryGetProperty("maximum", out var hi)) Assert.True(d.GetDecimal() <= hi.GetDecimal());
            }
            if (p.Kind == ParameterKind.Object) AssertObjectSchema(prop, p.Properties);
        }
    }

    [Fact]
    public void The_tool_set_is_built_once_per_host()
    {
        using var sp = LlmHarness.Services(LlmHarness.Config("http://127.0.0.1:9/v1"));
        var a = (ToolSet)sp.GetService(typeof(ToolSet))!;
        var b = (ToolSet)sp.GetService(typeof(ToolSet))!;
        Assert.Same(a, b);
        Assert.Same(a.Tools, b.Tools);
        Assert.All(a.Tools, t => Assert.IsAssignableFrom<AIFunctionDeclaration>(t));
    }
}
