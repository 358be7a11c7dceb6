using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>The zone schedules are evaluated in: <c>Reports:TimeZone</c>, else <c>Assistant:TimeZone</c> (UTC by default).</summary>
internal static class ReportZone
{
    /// <summary>The configured zone id, before resolution.</summary>
    public static string Id(ReportsOptions reports, AssistantOptions assistant) =>
        string.IsNullOrWhiteSpace(reports.TimeZone) ? (string.IsNullOrWhiteSpace(assistant.TimeZone) ? "UTC" : assistant.TimeZone) : reports.TimeZone.Trim();

    /// <summary>Resolves the configured zone.</summary>
    public static TimeZoneInfo Resolve(ReportsOptions reports, AssistantOptions assistant) => PnlPeriods.Zone(Id(reports, assistant));

    /// <summary>True when an id names a zone this machine knows.</summary>
    public static bool IsKnown(string id)
    {
        try { _ = PnlPeriods.Zone(id); return true; }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return false; }
    }
}
