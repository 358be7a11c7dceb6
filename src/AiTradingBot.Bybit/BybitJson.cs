using System.Globalization;
using System.Text.Json;

namespace AiTradingBot.Bybit;

/// <summary>Lenient readers for Bybit JSON, which sends numbers as strings, sometimes as numbers, and "" for absent.</summary>
internal static class BybitJson
{
    /// <summary>A property as text (numbers included), or null when missing, null or empty.</summary>
    public static string? Str(this JsonElement e, string name)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out var p)) return null;
        return p.ValueKind switch
        {
            JsonValueKind.String => p.GetString() is { Length: > 0 } s ? s : null,
            JsonValueKind.Number => p.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
    }

    /// <summary>A decimal property given as string or number, or null.</summary>
    public static decimal? Dec(this JsonElement e, string name) =>
        e.Str(name) is { } s && decimal.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : null;

    /// <summary>An integer property given as string or number, or null.</summary>
    public static long? Long(this JsonElement e, string name) =>
        e.Str(name) is { } s && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : null;

    /// <summary>A boolean property given as bool or string, or false.</summary>
    public static bool Bool(this JsonElement e, string name) => e.Str(name) is "true" or "1";

    /// <summary>The array property's items, or none.</summary>
    public static IEnumerable<JsonElement> Items(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array
            ? p.EnumerateArray()
            : [];

    /// <summary>Decimal as Bybit wants it: invariant, no exponent, no trailing zeros.</summary>
    public static string Format(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>Unix milliseconds to a time.</summary>
    public static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
