using AiTradingBot.Core.Ports;
using Npgsql;

namespace AiTradingBot.Scheduling.Reports;

/// <summary>
/// Who sends an occurrence: Hangfire runs a job at least once (a re-run after a lost worker, a second in-memory
/// instance sharing Redis), so the job claims (schedule, occurrence) first and only the one claim that wins sends.
/// </summary>
internal interface IReportDeliveryLedger
{
    /// <summary>True for the first claim of an occurrence of a schedule; false for every later one.</summary>
    Task<bool> TryClaimAsync(string scheduleId, DateTimeOffset occurrence, string claimant, CancellationToken ct);
}

/// <summary>Claims in the live-state store (embedded, or Redis shared by in-memory instances), kept for a week.</summary>
internal sealed class KeyValueDeliveryLedger(IKeyValueStore store) : IReportDeliveryLedger
{
    /// <inheritdoc />
    public Task<bool> TryClaimAsync(string scheduleId, DateTimeOffset occurrence, string claimant, CancellationToken ct) =>
        store.SetIfNotExistsAsync($"report-sent:{scheduleId}:{occurrence.UtcTicks}", claimant, TimeSpan.FromDays(8), ct);
}

/// <summary>
/// Claims in PostgreSQL (<c>scheduling.report_deliveries</c>, from <see cref="Migrations.SchedulerSchemaMigrator"/>), shared
/// by every instance of the cluster: one insert wins on the primary key. Rows older than a week are pruned per schedule.
/// </summary>
internal sealed class PostgresDeliveryLedger(string connectionString, TimeProvider time) : IReportDeliveryLedger
{
    /// <inheritdoc />
    public async Task<bool> TryClaimAsync(string scheduleId, DateTimeOffset occurrence, string claimant, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(conn)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("""
                    INSERT INTO scheduling.report_deliveries (schedule_id, occurrence, claimant, claimed_at)
                    VALUES ($1, $2, $3, $4) ON CONFLICT (schedule_id, occurrence) DO NOTHING
                    """) { Parameters = { new() { Value = scheduleId }, new() { Value = occurrence.ToUniversalTime() }, new() { Value = claimant }, new() { Value = now } } },
                new NpgsqlBatchCommand("DELETE FROM scheduling.report_deliveries WHERE schedule_id = $1 AND occurrence < $2")
                    { Parameters = { new() { Value = scheduleId }, new() { Value = now.AddDays(-8) } } },
            },
        };
        await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        return batch.BatchCommands[0].RecordsAffected == 1;
    }
}
