using System.Globalization;

namespace AiTradingBot.Docker;

/// <summary>Docker's RFC 3339 times with nanoseconds; the zero time <c>0001-01-01T00:00:00Z</c> means "never".</summary>
internal static class DockerTime
{
    /// <summary>Parses a time, or null for empty, zero or unparseable values.</summary>
    public static DateTimeOffset? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var s = text.Trim();
        // .NET parses at most 7 fractional digits; Docker sends 9.
        var dot = s.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
            if (end - dot - 1 > 7) s = s[..(dot + 8)] + s[end..];
        }
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            return null;
        return t.Year <= 1 ? null : t;
    }
}
