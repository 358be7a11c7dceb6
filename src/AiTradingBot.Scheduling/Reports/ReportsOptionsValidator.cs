using AiTradingBot.Core.Reports;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>Checks <c>Reports</c> at start: a known zone and valid default schedules, with messages naming the key.</summary>
internal sealed class ReportsOptionsValidator : IValidateOptions<ReportsOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ReportsOptions options)
    {
        var errors = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.TimeZone) && !ReportZone.IsKnown(options.TimeZone.Trim()))
            errors.Add($"Reports:TimeZone '{options.TimeZone}' is not a known IANA time zone; use e.g. UTC or Europe/Berlin.");
        var seen = new HashSet<(Core.Plans.ReportKind, string)>();
        for (var i = 0; i < options.Schedules.Count; i++)
        {
            var s = options.Schedules[i];
            if (!CronSchedule.TryParse(s.Cron, out _, out var error))
                errors.Add($"Reports:Schedules:{i}:Cron \"{s.Cron}\": {error}");
            var chat = string.IsNullOrWhiteSpace(s.ChatId) ? ReportJobKeys.Admins : s.ChatId.Trim();
            if (!seen.Add((s.Kind, chat)))
                errors.Add($"Reports:Schedules:{i}: a second {ReportJobKeys.Name(s.Kind)} schedule for chat {chat}; one per kind and chat.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
