using Quartz;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>Reads report job data, which holds only strings.</summary>
internal static class JobDataMapExtensions
{
    /// <summary>The string under a key, or null when absent (Quartz's GetString throws then).</summary>
    public static string? Text(this JobDataMap map, string key) => map.TryGetString(key, out var value) ? value : null;
}
