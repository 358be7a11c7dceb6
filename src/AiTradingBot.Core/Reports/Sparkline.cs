namespace AiTradingBot.Core.Reports;

/// <summary>Unicode sparklines (▁▂▃▄▅▆▇█) for trends in reports.</summary>
public static class Sparkline
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    /// <summary>One bar per value, scaled between the minimum and maximum.</summary>
    public static string Of(IReadOnlyList<decimal> values)
    {
        if (values.Count == 0) return "";
        var min = values.Min();
        var max = values.Max();
        if (max == min) return new string(Bars[3], values.Count);
        return string.Concat(values.Select(v => Bars[(int)Math.Round((v - min) / (max - min) * (Bars.Length - 1))]));
    }
}
