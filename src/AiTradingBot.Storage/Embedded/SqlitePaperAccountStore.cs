using System.Text.Json;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Storage.Embedded;

/// <summary>
/// The paper account on the embedded database: each update reads the account, applies the change and writes the
/// account and its fills (<c>paper_fill_outbox</c>) in one exclusive transaction, so concurrent processes apply
/// every order exactly once and no fill is lost between the account and the fill store.
/// </summary>
public sealed class SqlitePaperAccountStore(EmbeddedDatabase database) : IPaperAccountStore
{
    private static readonly JsonSerializerOptions FillJson = new(PlanJson.Options) { WriteIndented = false };

    /// <inheritdoc />
    public Task<T> UpdateAsync<T>(Func<string?, PaperAccountUpdate<T>> update, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            string? state;
            await using (var read = EmbeddedDatabase.Command(conn, tx, "SELECT state FROM paper_account WHERE id = 1"))
                state = await read.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
            var result = update(state);
            var now = database.NowTicks;
            if (result.NewState is { } next)
            {
                await using var write = EmbeddedDatabase.Command(conn, tx,
                    "INSERT INTO paper_account (id, state, updated_at) VALUES (1, @s, @t) ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                    ("@s", next), ("@t", now));
                await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            foreach (var fill in result.Fills)
            {
                await using var outbox = EmbeddedDatabase.Command(conn, tx, "INSERT INTO paper_fill_outbox (fill, created_at) VALUES (@f, @t)",
                    ("@f", JsonSerializer.Serialize(fill, FillJson)), ("@t", now));
                await outbox.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return result.Result;
        }, ct);

    /// <inheritdoc />
    public Task<string?> ReadAsync(CancellationToken ct) =>
        database.ReadAsync(async conn =>
        {
            await using var read = EmbeddedDatabase.Command(conn, null, "SELECT state FROM paper_account WHERE id = 1");
            return await read.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
        }, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<OutboxFill>> PendingFillsAsync(CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<OutboxFill>>(async conn =>
        {
            await using var cmd = EmbeddedDatabase.Command(conn, null, "SELECT id, fill FROM paper_fill_outbox WHERE delivered_at IS NULL ORDER BY id LIMIT 1000");
            var pending = new List<OutboxFill>();
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
                pending.Add(new OutboxFill(reader.GetInt64(0), JsonSerializer.Deserialize<ExecutionReport>(reader.GetString(1), FillJson)!));
            return pending;
        }, ct);

    /// <inheritdoc />
    public Task MarkDeliveredAsync(IReadOnlyCollection<long> ids, CancellationToken ct) =>
        ids.Count == 0 ? Task.CompletedTask : database.WriteAsync(async (conn, tx) =>
        {
            foreach (var id in ids)
            {
                await using var cmd = EmbeddedDatabase.Command(conn, tx, "UPDATE paper_fill_outbox SET delivered_at = @t WHERE id = @id AND delivered_at IS NULL",
                    ("@t", database.NowTicks), ("@id", id));
                await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            return 0;
        }, ct);
}
