using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans;

/// <summary>
/// The plan JSON contract of <c>actions.md</c>: what <c>parse --json</c> prints, what is hashed for the gate and
/// what stored or model-proposed steps are read back from. Reading is strict: unknown actions or arguments,
/// wrong types and missing required arguments are errors, never guesses.
/// </summary>
public static class PlanJson
{
    /// <summary>Serializer options for args records: camelCase, enums as camelCase strings, nulls omitted.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.Converters.Add(new NormalizedDecimalConverter());
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    /// <summary>The plan as one line of contract JSON.</summary>
    public static string Serialize(Plan plan) => ToNode(plan).ToJsonString(Options);

    /// <summary>The plan as a JSON object.</summary>
    public static JsonObject ToNode(Plan plan)
    {
        var node = new JsonObject
        {
            ["input"] = plan.Input,
            ["kind"] = plan.Kind.ToString().ToLowerInvariant(),
            ["confirm"] = plan.Confirm,
            ["steps"] = StepsNode(plan.Steps),
        };
        if (plan.Kind == PlanKind.Clarify) node["clarify"] = plan.Clarify;
        return node;
    }

    /// <summary>Steps as a JSON array of <c>{action, args}</c>.</summary>
    public static JsonArray StepsNode(IEnumerable<PlanStep> steps) =>
        new(steps.Select(s => (JsonNode)new JsonObject
        {
            ["action"] = s.Action,
            ["args"] = JsonSerializer.SerializeToNode(s.Args, s.Args.GetType(), Options),
        }).ToArray());

    /// <summary>Canonical JSON of the steps (the hashed form).</summary>
    public static string SerializeSteps(IEnumerable<PlanStep> steps) => StepsNode(steps).ToJsonString(Options);

    /// <summary>SHA-256 (hex) of the canonical steps: what a confirmation token is bound to.</summary>
    public static string Hash(IEnumerable<PlanStep> steps) =>
        System.Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SerializeSteps(steps))));

    /// <summary>Reads steps written by <see cref="SerializeSteps"/>.</summary>
    public static IReadOnlyList<PlanStep> DeserializeSteps(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var steps = new List<PlanStep>();
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var action = item.GetProperty("action").GetString() ?? "";
            var result = ReadStep(action, item.TryGetProperty("args", out var a) ? a : default);
            steps.Add(result.Step ?? throw new JsonException(result.Error));
        }
        return steps;
    }

    /// <summary>Builds a typed step from an action name and JSON arguments, or says exactly what is wrong.</summary>
    public static StepReadResult ReadStep(string action, JsonElement args)
    {
        var descriptor = ActionCatalog.Find(action);
        if (descriptor is null) return StepReadResult.Fail($"Unknown action '{action}'.");
        if (args.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
            return StepReadResult.Fail($"{action}: arguments must be a JSON object.");
        var given = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (args.ValueKind == JsonValueKind.Object)
            foreach (var p in args.EnumerateObject())
                if (p.Value.ValueKind != JsonValueKind.Null) given[p.Name] = p.Value;

        var unknown = given.Keys.Where(k => descriptor.Parameters.All(p => !p.Name.Equals(k, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0) return StepReadResult.Fail($"{action}: unknown argument(s) {string.Join(", ", unknown)}.");

        var values = new object?[descriptor.Parameters.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var p = descriptor.Parameters[i];
            if (!given.TryGetValue(p.Name, out var value))
            {
                if (p.Required) return StepReadResult.Fail($"{action}: missing required argument '{p.Name}'.");
                values[i] = p.HasDefault ? p.DefaultValue : null;
                continue;
            }
            var converted = Convert(p, value);
            if (converted.Error is not null) return StepReadResult.Fail($"{action}: {converted.Error}");
            values[i] = converted.Value;
        }

        // A price without an explicit type means a limit order (actions.md normalization).
        if (descriptor.ArgsType == typeof(Actions.OrderPlaceArgs) && !given.ContainsKey("type") && given.ContainsKey("price"))
            values[descriptor.Parameters.ToList().FindIndex(p => p.Name == "type")] = OrderType.Limit;

        try
        {
            return StepReadResult.Ok(new PlanStep(descriptor.Factory(values)));
        }
        catch (Exception e) when (e is ArgumentException or System.Reflection.TargetInvocationException)
        {
            return StepReadResult.Fail($"{action}: {e.InnerException?.Message ?? e.Message}");
        }
    }

    private static (object? Value, string? Error) Convert(ParameterDescriptor p, JsonElement v)
    {
        var type = Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType;
        switch (p.Kind)
        {
            case ParameterKind.String:
                return v.ValueKind == JsonValueKind.String
                    ? (v.GetString(), null)
                    : v.ValueKind == JsonValueKind.Number ? (v.GetRawText(), null) : (null, $"'{p.Name}' must be text.");
            case ParameterKind.Boolean:
                return v.ValueKind switch
                {
                    JsonValueKind.True => (true, null),
                    JsonValueKind.False => (false, null),
                    JsonValueKind.String when bool.TryParse(v.GetString(), out var b) => (b, null),
                    _ => (null, $"'{p.Name}' must be true or false."),
                };
            case ParameterKind.Integer:
            {
                var d = ReadDecimal(v);
                if (d is null || d != decimal.Truncate(d.Value) || d > int.MaxValue || d < int.MinValue)
                    return (null, $"'{p.Name}' must be a whole number.");
                return ((int)d.Value, null);
            }
            case ParameterKind.Number:
            {
                var d = ReadDecimal(v);
                return d is null ? (null, $"'{p.Name}' must be a number.") : (Normalize(d.Value), null);
            }
            case ParameterKind.Enum:
            {
                if (v.ValueKind == JsonValueKind.String && Enum.TryParse(type, v.GetString(), ignoreCase: true, out var e) && Enum.IsDefined(type, e!)
                    && !int.TryParse(v.GetString(), out _))
                    return (e, null);
                return (null, $"'{p.Name}' must be one of {string.Join(", ", p.EnumValues)}.");
            }
            case ParameterKind.Object:
            {
                if (v.ValueKind != JsonValueKind.Object) return (null, $"'{p.Name}' must be an object.");
                var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
                foreach (var f in v.EnumerateObject()) fields[f.Name] = f.Value;
                var unknown = fields.Keys.Where(k => p.Properties.All(n => !n.Name.Equals(k, StringComparison.OrdinalIgnoreCase))).ToList();
                if (unknown.Count > 0) return (null, $"'{p.Name}' has unknown field(s) {string.Join(", ", unknown)}.");
                var args = new object?[p.Properties.Count];
                for (var i = 0; i < args.Length; i++)
                {
                    var np = p.Properties[i];
                    if (!fields.TryGetValue(np.Name, out var fv))
                    {
                        if (np.Required) return (null, $"'{p.Name}.{np.Name}' is required.");
                        args[i] = np.DefaultValue;
                        continue;
                    }
                    var c = Convert(np, fv);
                    if (c.Error is not null) return (null, $"'{p.Name}.{np.Name}': {c.Error}");
                    args[i] = c.Value;
                }
                return (Activator.CreateInstance(type, args), null);
            }
            default:
                return (null, $"'{p.Name}' has an unsupported type.");
        }
    }

    private static decimal? ReadDecimal(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number when v.TryGetDecimal(out var d) => d,
        JsonValueKind.String when decimal.TryParse(v.GetString(), NumberStyles.Number & ~NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    /// <summary>Removes trailing zeros so 45000.00 prints as 45000 and 0.10 as 0.1.</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;

    private sealed class NormalizedDecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? decimal.Parse(reader.GetString()!, NumberStyles.Number, CultureInfo.InvariantCulture)
                : reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(Normalize(value));
    }
}

/// <summary>Outcome of reading one step from JSON: a step, or an error a person can act on.</summary>
public readonly record struct StepReadResult(PlanStep? Step, string? Error)
{
    /// <summary>Success.</summary>
    public static StepReadResult Ok(PlanStep step) => new(step, null);

    /// <summary>Failure with a reason.</summary>
    public static StepReadResult Fail(string error) => new(null, error);
}
