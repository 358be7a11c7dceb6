using System.Data.Common;
using AiTradingBot.Core.Trading;
using AiTradingBot.Storage.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace AiTradingBot.Storage.Fills;

/// <summary>
/// Writes rejected executions to <c>fill_dead_letters</c>, one row per dedupe key (<see cref="ExecutionDefects.DedupeKey"/>),
/// and returns only those written now: a redelivered bad execution is neither stored twice nor reported twice.
/// Runs in its own short transaction, so a dead letter is kept even when the batch's valid fills fail to store.
/// </summary>
internal sealed class FillDeadLetters(StorageDatabase database, IDbContextFactory<TradingDbContext> contexts, TimeProvider time)
{
    /// <summary>Stores the dead letters not stored before; returns those.</summary>
    public async Task<IReadOnlyList<DeadLetteredExecution>> StoreAsync(IReadOnlyList<DeadLetteredExecution> rejected, CancellationToken ct)
    {
        if (rejected.Count == 0) return [];
        // Two bad copies of one execution in one batch are one dead letter.
        var byKey = new Dictionary<string, DeadLetteredExecution>(StringComparer.Ordinal);
        foreach (var d in rejected) byKey.TryAdd(ExecutionDefects.DedupeKey(d), d);
        var now = time.GetUtcNow();
        return database.IsPostgres ? await PostgresAsync(byKey, now, ct) : await SqliteAsync(byKey, now, ct);
    }

    private async Task<IReadOnlyList<DeadLetteredExecution>> PostgresAsync(Dictionary<string, DeadLetteredExecution> byKey, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO trading.fill_dead_letters (dedupe_key, exec_id, kind, reason, raw_event, received_at)
            SELECT k, e, kd, r, raw, @now FROM unnest(@keys, @ids, @kinds, @reasons, @raws) AS v(k, e, kd, r, raw)
            ON CONFLICT (dedupe_key) DO NOTHING
            RETURNING dedupe_key
            """, conn);
        var letters = byKey.ToList();
        cmd.Parameters.Add(new NpgsqlParameter("now", now));
        cmd.Parameters.Add(new NpgsqlParameter("keys", letters.Select(l => l.Key).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter("ids", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = letters.Select(l => l.Value.ExecId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("kinds", letters.Select(l => l.Value.Kind).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter("reasons", letters.Select(l => l.Value.Reason).ToArray()));
        cmd.Parameters.Add(new NpgsqlParameter("raws", letters.Select(l => l.Value.RawEvent).ToArray()));
        var written = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) written.Add(reader.GetString(0));
        return letters.Where(l => written.Contains(l.Key)).Select(l => l.Value).ToList();
    }

    private async Task<IReadOnlyList<DeadLetteredExecution>> SqliteAsync(Dictionary<string, DeadLetteredExecution> byKey, DateTimeOffset now, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conn = db.Database.GetDbConnection();
        var written = new List<DeadLetteredExecution>();
        foreach (var (key, d) in byKey)
        {
            await using var cmd = conn.CreateCommand();
            cmd.Transaction = tx.GetDbTransaction();
            cmd.CommandText = """
                INSERT INTO fill_dead_letters (dedupe_key, exec_id, kind, reason, raw_event, received_at)
                VALUES ($key, $id, $kind, $reason, $raw, $at)
                ON CONFLICT (dedupe_key) DO NOTHING
                """;
            Add(cmd, "$key", key);
            Add(cmd, "$id", d.ExecId);
            Add(cmd, "$kind", d.Kind);
            Add(cmd, "$reason", d.Reason);
            Add(cmd, "$raw", d.RawEvent);
            Add(cmd, "$at", now.UtcTicks);
            if (await cmd.ExecuteNonQueryAsync(ct) == 1) written.Add(d);
        }
        await tx.CommitAsync(ct);
        return written;
    }

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }
}
