using System.Diagnostics;
using System.Text.Json;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Ports;
using AiTradingBot.Storage.Model;
using Microsoft.EntityFrameworkCore;

namespace AiTradingBot.Storage;

/// <summary><see cref="IAuditLog"/> on the <c>audit_log</c> table, which the database itself keeps append-only.</summary>
public sealed class DatabaseAuditLog(StorageReadiness ready, IDbContextFactory<TradingDbContext> contexts) : IAuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <inheritdoc />
    public async Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        await ready.EnsureAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.AuditLog.Add(new AuditRow
        {
            Time = record.Time.ToUniversalTime(),
            Channel = record.Channel,
            UserId = record.UserId,
            UserName = record.UserName,
            ChatId = record.ChatId,
            Text = record.Text,
            PlanJson = record.PlanJson,
            Decision = record.Decision,
            Reasons = JsonSerializer.Serialize(record.Reasons ?? [], Json),
            Steps = JsonSerializer.Serialize(record.Steps ?? [], Json),
            ConfirmationId = record.ConfirmationId,
            Mode = record.Mode,
            TraceId = record.TraceId ?? CurrentTraceId(),
        });
        await db.SaveChangesAsync(ct);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditRecord>> ReadRecentAsync(int count, CancellationToken ct)
    {
        if (count <= 0) return [];
        await ready.EnsureAsync(ct);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = await db.AuditLog.AsNoTracking().OrderByDescending(r => r.Id).Take(count).ToListAsync(ct);
        return rows.Select(r => new AuditRecord(
            r.Time, r.Channel, r.UserId, r.UserName, r.ChatId, r.Text, r.PlanJson, r.Decision,
            JsonSerializer.Deserialize<List<string>>(r.Reasons, Json) ?? [],
            JsonSerializer.Deserialize<List<AuditStep>>(r.Steps, Json) ?? [],
            r.ConfirmationId, r.Mode, r.TraceId)).ToList();
    }

    /// <summary>The current activity's W3C trace id, so an audit row leads to its trace; null outside one.</summary>
    private static string? CurrentTraceId() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } a && a.TraceId != default ? a.TraceId.ToHexString() : null;
}
