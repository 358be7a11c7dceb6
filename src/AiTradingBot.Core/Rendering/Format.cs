using System.Globalization;

namespace AiTradingBot.Core.Rendering;

/// <summary>Invariant number, size and duration formatting for replies.</summary>
public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Money with thousands separators and 2 decimals (more for small values).</summary>
    public static string Money(decimal value) =>
        Math.Abs(value) >= 1 || value == 0 ? value.ToString("#,##0.00", Inv) : value.ToString("0.########", Inv);

    /// <summary>A price: thousands separators, up to 8 significant decimals.</summary>
    public static string Price(decimal value) => value.ToString(Math.Abs(value) >= 1000 ? "#,##0.##" : "#,##0.########", Inv);

    /// <summary>A quantity as typed (no trailing zeros).</summary>
    public static string Qty(decimal value) => value.ToString("0.##########", Inv);

    /// <summary>Signed money, e.g. +12.50 or -3.00.</summary>
    public static string Signed(decimal value) => (value > 0 ? "+" : "") + Money(value);

    /// <summary>A percentage with one decimal.</summary>
    public static string Percent(decimal value) => value.ToString("0.0", Inv) + "%";

    /// <summary>A percentage with two decimals from a double.</summary>
    public static string Percent(double value) => value.ToString("0.00", Inv) + "%";

    /// <summary>Bytes as KiB/MiB/GiB.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.00", Inv) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", Inv) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", Inv) + " KiB",
        _ => bytes.ToString(Inv) + " B",
    };

    /// <summary>A duration like 3d 4h, 2h 5m, 40s.</summary>
    public static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.Zero) t = TimeSpan.Zero;
        if (t.TotalDays >= 1) return $"{(int)t.TotalDays}d {t.Hours}h";
        if (t.TotalHours >= 1) return $"{(int)t.TotalHours}h {t.Minutes}m";
        if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes}m {t.Seconds}s";
        return t.TotalSeconds >= 10 ? $"{(int)t.TotalSeconds}s" : $"{t.TotalSeconds.ToString("0.0", Inv)}s";
    }

    /// <summary>UTC time as ISO-like text.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Inv) + " UTC";
}
