using System.Globalization;

namespace AiTradingBot.Web.Components.Shared;

/// <summary>Short, invariant formatting for the pages.</summary>
internal static class Fmt
{
    public static string Money(decimal v) => v.ToString("N2", CultureInfo.InvariantCulture);

    public static string Signed(decimal v) => (v > 0 ? "+" : "") + v.ToString("N2", CultureInfo.InvariantCulture);

    public static string Qty(decimal v) => v.ToString("0.########", CultureInfo.InvariantCulture);

    public static string Percent(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "—";

    public static string Bytes(long? v) => v switch
    {
        null => "—",
        >= 1L << 30 => (v.Value / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (v.Value / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        _ => (v.Value / 1024d).ToString("0", CultureInfo.InvariantCulture) + " KiB",
    };

    public static string Duration(TimeSpan? t) => t switch
    {
        null => "—",
        { TotalDays: >= 1 } d => $"{(int)d.TotalDays}d {d.Hours}h",
        { TotalHours: >= 1 } h => $"{(int)h.TotalHours}h {h.Minutes}m",
        { TotalMinutes: >= 1 } m => $"{(int)m.TotalMinutes}m {m.Seconds}s",
        var s => $"{(int)s.Value.TotalSeconds}s",
    };

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
