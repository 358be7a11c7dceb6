using System.Text.Json;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm.Agent;
using AiTradingBot.Llm.Tools;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Xunit;

namespace AiTradingBot.Llm.Tests;

/// <summary>
/// The kernel's plugins are generated from the catalog, once per host: every action is exactly one function and every
/// function (but the one meta function) is an action, with the action's effect in its metadata and a JSON schema per argument.
/// </summary>
public sealed partial class ToolSchemaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [GeneratedRegex("^[0-9A-Za-z_]+$")]
    private static partial Regex PluginName();

    [GeneratedRegex("^[0-9A-Za-z_-]+$")]
    private static partial Regex FunctionName();

    private static Kernel NewKernel(IReadOnlyToolRunner? runner = null, SystemRegistry? systems = null)
    {
        var options = new LlmOptions { Mode = AiTradingBot.Core.Language.LanguageModelMode.Primary, Endpoint = "http://127.0.0.1:9/v1", Model = "m" };
        return CatalogKernel.Create(LlmServiceCollectionExtensions.CreateChatCompletion(options, new HttpClient()), systems ?? SystemRegistry.Default,
            runner, options, AiTradingBot.Core.Audit.SecretRedactor.None);
    }

    public static TheoryData<string> Actions => new(CatalogFunctions.ModelActions.Select(a => a.Name));

    [Fact]
    public void Catalog_actions_and_kernel_functions_are_a_bijection()
    {
        var kernel = NewKernel();
        var functions = kernel.Plugins.SelectMany(p => p.Select(f => (Plugin: p.Name, Function: f))).ToList();

        // Every function but the meta function names exactly one catalog action, by metadata and by name.
        foreach (var (plugin, function) in functions)
        {
            Assert.Matches(PluginName(), plugin);
            Assert.Matches(FunctionName(), function.Name);
            Assert.True($"{plugin}-{function.Name}".Length <= 64);
            if ($"{plugin}-{function.Name}" == CatalogFunctions.AskUserToolName)
            {
                Assert.False(function.Metadata.AdditionalProperties.ContainsKey(CatalogFunctions.EffectKey));
                continue;
            }
            var action = CatalogFunctions.From(plugin, function.Name);
            Assert.NotNull(action);
            Assert.Equal(action.Name, function.Metadata.AdditionalProperties[CatalogFunctions.ActionKey]);
            Assert.Equal(action.Effect, function.Metadata.AdditionalProperties[CatalogFunctions.EffectKey]);
        }
        // Every catalog action offered to the model has exactly one function, and the names map back; the others none.
        foreach (var action in ActionCatalog.All.Where(a => !a.ModelTool))
        {
            Assert.DoesNotContain(functions, f => CatalogFunctions.From(f.Plugin, f.Function.Name) == action);
            Assert.Null(CatalogFunctions.ToolNameOf(action.Name));
        }
        foreach (var action in CatalogFunctions.ModelActions)
        {
            var matching = functions.Where(f => CatalogFunctions.From(f.Plugin, f.Function.Name) == action).ToList();
            Assert.Single(matching);
            Assert.Same(action, CatalogFunctions.FromToolName(CatalogFunctions.ToolNameOf(action)));
            Assert.Equal(CatalogFunctions.ToolNameOf(action), CatalogFunctions.ToolNameOf(action.Name));
        }
        Assert.Equal(CatalogFunctions.ModelActions.Count + 1, functions.Count);
        Assert.Contains(ActionCatalog.All, a => !a.ModelTool); // dashboard.link: its result is a credential
        Assert.Equal(["systems", "trading", "portfolio", "reports", "help"], kernel.Plugins.Select(p => p.Name));
    }

    [Fact]
    public void Effects_are_read_write_or_gated_with_report_schedules_as_writes()
    {
        Assert.Equal(ActionEffect.Write, ActionCatalog.Find("report.schedule")!.Effect);
        Assert.Equal(ActionEffect.Write, ActionCatalog.Find("report.cancel")!.Effect);
        Assert.Equal(ActionEffect.Read, ActionCatalog.Find("report.list")!.Effect);
        Assert.Equal(ActionEffect.Gated, ActionCatalog.Find("system.stop")!.Effect);
        Assert.All(ActionCatalog.All, a => Assert.Equal(a.Gated, a.Effect == ActionEffect.Gated));
        Assert.Equal(["report.schedule", "report.cancel"], ActionCatalog.All.Where(a => a.Effect == ActionEffect.Write).Select(a => a.Name));
    }

    [Theory]
    [MemberData(nameof(Actions))]
    public void Each_function_describes_its_action_with_a_schema_per_argument(string actionName)
    {
        var action = ActionCatalog.Find(actionName)!;
        var function = NewKernel().Plugins[CatalogFunctions.PluginOf(action)][CatalogFunctions.FunctionNameOf(action)];
        Assert.StartsWith(action.Description, function.Description);
        Assert.Contains(action.Effect == ActionEffect.Read ? "Read-only" : "never runs by itself", function.Description);
        Assert.Equal(action.Parameters.Select(p => p.Name), function.Metadata.Parameters.Select(p => p.Name));
        foreach (var (p, m) in action.Parameters.Zip(function.Metadata.Parameters))
        {
            Assert.Equal(p.Required, m.IsRequired);
            Assert.NotNull(m.Schema);
        }
        AssertObjectSchema(JsonSerializer.SerializeToElement(ToolSchemaBuilder.Build(action, SystemRegistry.Default)), action.Parameters);
    }

    [Fact]
    public async Task The_filter_refuses_to_invoke_anything_that_is_not_read_only()
    {
        var runner = new RecordingToolRunner(s => $"ran {s.Action}");
        var kernel = NewKernel(runner);

        // Even with a valid step handed in, a gated or write function is not invoked.
        var stop = await kernel.InvokeAsync(kernel.Plugins["systems"]["system_stop"],
            new KernelArguments { [CatalogKernel.StepArgument] = new PlanStep(new SystemStopArgs("alpha")) }, Ct);
        var schedule = await kernel.InvokeAsync(kernel.Plugins["reports"]["report_schedule"],
            new KernelArguments { ["kind"] = "daily", ["cron"] = "0 8 * * *" }, Ct);
        var ask = await kernel.InvokeAsync(kernel.Plugins["help"][CatalogFunctions.AskUserFunction], new KernelArguments { ["question"] = "?" }, Ct);
        Assert.Equal(ReadOnlyInvocationFilter.Refusal, stop.GetValue<string>());
        Assert.Equal(ReadOnlyInvocationFilter.Refusal, schedule.GetValue<string>());
        Assert.Equal(ReadOnlyInvocationFilter.Refusal, ask.GetValue<string>());
        Assert.Empty(runner.Ran);

        // A read runs, from the model's own arguments when no step is handed in, and comes back as untrusted data.
        var logs = await kernel.InvokeAsync(kernel.Plugins["systems"]["system_logs"], new KernelArguments { ["system"] = "shortseller" }, Ct);
        Assert.Contains("untrusted_tool_output", logs.GetValue<string>());
        Assert.Equal([new PlanStep(new SystemLogsArgs("alpha"))], runner.Ran);
    }

    [Fact]
    public void System_arguments_are_an_enum_of_configured_systems_with_all_only_where_allowed()
    {
        var registry = new SystemRegistry([
            new SystemDefinition("grid", "grid_trading", ["g"], SystemRole.Trading, new Dictionary<string, IReadOnlyList<string>>()),
            new SystemDefinition("db", "pg", [], SystemRole.Infrastructure, new Dictionary<string, IReadOnlyList<string>>()),
        ]);
        var kernel = NewKernel(systems: registry);
        string[] Enum(string plugin, string function) => kernel.Plugins[plugin][function].Metadata.Parameters.Single(p => p.Name == "system").Schema!.RootElement
            .GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToArray();

        Assert.Equal(["grid", "db", "all"], Enum("systems", "system_stop"));
        Assert.Equal(["grid", "db"], Enum("systems", "system_logs"));
        Assert.Equal(["grid", "db"], Enum("portfolio", "portfolio_pnl"));
    }

    [Fact]
    public void Defaults_ranges_and_enums_come_from_the_catalog()
    {
        var logs = ToolSchemaBuilder.Build(ActionCatalog.Find("system.logs")!, SystemRegistry.Default);
        var lines = JsonSerializer.SerializeToElement(logs).GetProperty("properties").GetProperty("lines");
        Assert.Equal("integer", lines.GetProperty("type").GetString());
        Assert.Equal(50, lines.GetProperty("default").GetInt32());
        Assert.Equal(1, lines.GetProperty("minimum").GetInt32());
        Assert.Equal(2000, lines.GetProperty("maximum").GetInt32());

        var order = JsonSerializer.SerializeToElement(ToolSchemaBuilder.Build(ActionCatalog.Find("order.place")!, SystemRegistry.Default));
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
    public void The_kernel_is_built_once_per_host()
    {
        using var sp = LlmHarness.Services(LlmHarness.Config("http://127.0.0.1:9/v1"));
        Assert.Same(sp.GetRequiredService<LlmAgent>().Kernel, sp.GetRequiredService<LlmAgent>().Kernel);
        Assert.Same(sp.GetRequiredService<LlmAgent>().Kernel, sp.GetRequiredService<LlmInterpreter>().Kernel);
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
}
