using System.Net;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.Audit;

/// <summary>
/// Finds confirmed plans whose execution started (an <see cref="AuditDecision.Executing"/> row) and never completed
/// (no later row with the same confirmation id) — the process stopped mid-plan — and tells the admins once (a
/// marker in the live-state store, so several processes starting together report it once).
/// </summary>
public sealed class InterruptedExecutions(IAuditLog audit, IKeyValueStore store, NotificationHub notifications)
{
    /// <summary>How far back the audit is searched.</summary>
    public const int Window = 2000;

    /// <summary>Executing rows without a completion, oldest first.</summary>
    public async Task<IReadOnlyList<AuditRecord>> FindAsync(CancellationToken ct)
    {
        var recent = await audit.ReadRecentAsync(Window, ct).ConfigureAwait(false);
        var completed = recent.Where(r => r.Decision != AuditDecision.Executing && r.ConfirmationId is not null)
            .Select(r => r.ConfirmationId!).ToHashSet(StringComparer.Ordinal);
        return recent.Where(r => r.Decision == AuditDecision.Executing && r.ConfirmationId is not null && !completed.Contains(r.ConfirmationId))
            .OrderBy(r => r.Time).ToList();
    }

    /// <summary>Reports each interrupted plan to the admins once; returns those reported now.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReportAsync(CancellationToken ct)
    {
        var reported = new List<AuditRecord>();
        foreach (var row in await FindAsync(ct).ConfigureAwait(false))
        {
            if (!await store.SetIfNotExistsAsync($"audit:interrupted-reported:{row.ConfirmationId}", "1", null, ct).ConfigureAwait(false)) continue;
            var text = $"A confirmed plan was interrupted: \"{row.Text}\" by {row.UserName ?? row.UserId} ({row.Channel}), confirmation {row.ConfirmationId}, "
                       + $"started {row.Time:yyyy-MM-dd HH:mm:ss} UTC, never completed (the process stopped mid-plan). Check its orders and systems before repeating it.";
            await notifications.PublishAsync(new Notification(NotificationKind.System, "⚠️ " + text, "⚠️ " + WebUtility.HtmlEncode(text)), ct).ConfigureAwait(false);
            reported.Add(row);
        }
        return reported;
    }
}
