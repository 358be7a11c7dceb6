using System.Globalization;

namespace AiTradingBot.Core.Validation;

/// <summary>Ages like <c>10m</c>, <c>2h</c>, <c>1d</c>, <c>30s</c> used by <c>system.logs since</c>.</summary>
public static class Durations
{
    /// <summary>Parses an age; false for anything else (or more than 30 days).</summary>
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (text.Length < 2) return false;
        if (!int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0) return false;
        value = char.ToLowerInvariant(text[^1]) switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            _ => TimeSpan.Zero,
        };
        return value > TimeSpan.Zero && value <= TimeSpan.FromDays(30);
    }
}
