using System.Text.Json;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Reports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.InProcess;

/// <summary>
/// Report schedules kept in the live-state store (durable keys), one per chat and kind. A scheduler service fires
/// them; this class only keeps and lists them.
/// </summary>
public sealed class KeyValueReportScheduler(IKeyValueStore store, TimeProvider time, IOptions<AssistantOptions> options) : IReportScheduler
{
    private const string Prefix = "reports:";

    /// <inheritdoc />
    public async Task<ReportSchedule> ScheduleAsync(ReportKind kind, string cron, string chatId, CancellationToken ct)
    {
        var schedule = CronSchedule.Parse(cron);
        await store.SetAsync(Key(chatId, kind), schedule.Expression, null, ct).ConfigureAwait(false);
        return Describe(kind, schedule.Expression, chatId);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ReportSchedule>> ListAsync(string? chatId, CancellationToken ct)
    {
        var keys = await store.KeysAsync(chatId is null ? Prefix : $"{Prefix}{chatId}:", ct).ConfigureAwait(false);
        var list = new List<ReportSchedule>();
        foreach (var key in keys)
        {
            var cron = await store.GetAsync(key, ct).ConfigureAwait(false);
            var parts = key[Prefix.Length..];
            var cut = parts.LastIndexOf(':');
            if (cron is null || cut < 0 || !Enum.TryParse<ReportKind>(parts[(cut + 1)..], true, out var kind)) continue;
            list.Add(Describe(kind, cron, parts[..cut]));
        }
        return list;
    }

    /// <inheritdoc />
    public Task<bool> CancelAsync(ReportKind kind, string chatId, CancellationToken ct) => store.DeleteAsync(Key(chatId, kind), ct);

    private ReportSchedule Describe(ReportKind kind, string cron, string chatId)
    {
        var zone = PnlPeriods.Zone(options.Value.TimeZone);
        return new ReportSchedule(kind, cron, chatId, zone.Id, CronSchedule.Parse(cron).NextAfter(time.GetUtcNow(), zone));
    }

    private static string Key(string chatId, ReportKind kind) => $"{Prefix}{chatId}:{JsonNamingPolicy.CamelCase.ConvertName(kind.ToString())}";
}
