using System.Text.Json;

namespace AiTradingBot.Bybit;

/// <summary>The V5 envelope: <c>retCode</c>, <c>retMsg</c>, <c>result</c>, <c>time</c> (codes and times as numbers or strings).</summary>
internal sealed record BybitResponse(int RetCode, string RetMsg, JsonElement Result, long? Time, int HttpStatus)
{
    /// <summary>Whether Bybit reports success.</summary>
    public bool Ok => RetCode == 0;

    /// <summary>When the rate-limit window resets (header <c>X-Bapi-Limit-Reset-Timestamp</c>), Unix milliseconds.</summary>
    public long? ResetTimestampMs { get; init; }

    /// <summary>Parses an envelope; throws <see cref="FormatException"/> when the body is not one.</summary>
    public static BybitResponse Parse(string body, int httpStatus)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("retCode", out _))
            throw new FormatException("not a Bybit V5 envelope");
        var code = root.Long("retCode") ?? throw new FormatException("retCode is not a number");
        var result = root.TryGetProperty("result", out var r) ? r.Clone() : default;
        return new BybitResponse((int)code, root.Str("retMsg") ?? "", result, root.Long("time"), httpStatus);
    }
}
