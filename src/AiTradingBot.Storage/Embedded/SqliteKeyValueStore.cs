using System.Globalization;
using AiTradingBot.Core.Ports;
using Microsoft.Data.Sqlite;

namespace AiTradingBot.Storage.Embedded;

/// <summary>
/// The key-value port on the embedded database (<c>live_state</c>): every operation is one statement or one
/// exclusive transaction, so processes sharing the data folder see each other's writes at once and a lock, a
/// single-use token or a counter holds across them. Expiry is by <see cref="TimeProvider"/>.
/// </summary>
public sealed class SqliteKeyValueStore(EmbeddedDatabase database) : IKeyValueStore
{
    private const string LiveValue = "SELECT value FROM live_state WHERE key = @k AND (expires_at IS NULL OR expires_at > @now)";

    /// <inheritdoc />
    public Task<string?> GetAsync(string key, CancellationToken ct) =>
        database.ReadAsync(conn => ScalarAsync(conn, null, LiveValue, key, ct), ct);

    /// <inheritdoc />
    public Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            await using var cmd = EmbeddedDatabase.Command(conn, tx,
                "INSERT INTO live_state (key, value, expires_at) VALUES (@k, @v, @e) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                ("@k", key), ("@v", value), ("@e", Expiry(ttl)));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, ct);

    /// <inheritdoc />
    public async Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct)
    {
        // Waiters poll a held lock: answering them from a read (WAL: no write lock) keeps them from starving the
        // holder's own writes; only a free key costs a write transaction, which decides the race.
        if (await GetAsync(key, ct).ConfigureAwait(false) is not null) return false;
        return await database.WriteAsync(async (conn, tx) =>
        {
            await DeleteExpiredAsync(conn, tx, key, ct).ConfigureAwait(false);
            await using var cmd = EmbeddedDatabase.Command(conn, tx,
                "INSERT INTO live_state (key, value, expires_at) VALUES (@k, @v, @e) ON CONFLICT (key) DO NOTHING",
                ("@k", key), ("@v", value), ("@e", Expiry(ttl)));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<string?> GetDeleteAsync(string key, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            var value = await ScalarAsync(conn, tx, LiveValue, key, ct).ConfigureAwait(false);
            await using var delete = EmbeddedDatabase.Command(conn, tx, "DELETE FROM live_state WHERE key = @k", ("@k", key));
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return value;
        }, ct);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            var existed = await ScalarAsync(conn, tx, LiveValue, key, ct).ConfigureAwait(false) is not null;
            await using var delete = EmbeddedDatabase.Command(conn, tx, "DELETE FROM live_state WHERE key = @k", ("@k", key));
            await delete.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return existed;
        }, ct);

    /// <inheritdoc />
    public Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            await DeleteExpiredAsync(conn, tx, key, ct).ConfigureAwait(false);
            var current = await ScalarAsync(conn, tx, LiveValue, key, ct).ConfigureAwait(false);
            var next = (current is null ? 0 : long.Parse(current, CultureInfo.InvariantCulture)) + 1;
            var sql = current is null
                ? "INSERT INTO live_state (key, value, expires_at) VALUES (@k, @v, @e)"
                : "UPDATE live_state SET value = @v WHERE key = @k";
            await using var cmd = EmbeddedDatabase.Command(conn, tx, sql,
                ("@k", key), ("@v", next.ToString(CultureInfo.InvariantCulture)), ("@e", Expiry(ttlOnCreate)));
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return next;
        }, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct) =>
        database.ReadAsync<IReadOnlyList<string>>(async conn =>
        {
            // substr compares bytes-as-text exactly (no LIKE wildcards); BINARY collation orders ordinally.
            await using var cmd = EmbeddedDatabase.Command(conn, null,
                "SELECT key FROM live_state WHERE substr(key, 1, length(@p)) = @p AND (expires_at IS NULL OR expires_at > @now) ORDER BY key",
                ("@p", prefix), ("@now", database.NowTicks));
            var keys = new List<string>();
            await using var reader = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false)) keys.Add(reader.GetString(0));
            return keys;
        }, ct);

    /// <inheritdoc />
    /// <remarks>One conditional UPDATE: the lease cannot be renewed by a holder that lost it between a read and a write.</remarks>
    public Task<bool> RenewIfValueAsync(string key, string value, TimeSpan ttl, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            await using var cmd = EmbeddedDatabase.Command(conn, tx,
                "UPDATE live_state SET expires_at = @e WHERE key = @k AND value = @v AND (expires_at IS NULL OR expires_at > @now)",
                ("@k", key), ("@v", value), ("@e", Expiry(ttl)), ("@now", database.NowTicks));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    /// <inheritdoc />
    /// <remarks>One conditional DELETE: a holder whose lease expired and was taken by another never deletes the new one.</remarks>
    public Task<bool> DeleteIfValueAsync(string key, string value, CancellationToken ct) =>
        database.WriteAsync(async (conn, tx) =>
        {
            await using var cmd = EmbeddedDatabase.Command(conn, tx,
                "DELETE FROM live_state WHERE key = @k AND value = @v AND (expires_at IS NULL OR expires_at > @now)",
                ("@k", key), ("@v", value), ("@now", database.NowTicks));
            return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1;
        }, ct);

    private object? Expiry(TimeSpan? ttl) => ttl is { } t ? database.NowTicks + t.Ticks : null;

    private async Task<string?> ScalarAsync(SqliteConnection conn, SqliteTransaction? tx, string sql, string key, CancellationToken ct)
    {
        await using var cmd = EmbeddedDatabase.Command(conn, tx, sql, ("@k", key), ("@now", database.NowTicks));
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
    }

    private async Task DeleteExpiredAsync(SqliteConnection conn, SqliteTransaction tx, string key, CancellationToken ct)
    {
        await using var cmd = EmbeddedDatabase.Command(conn, tx, "DELETE FROM live_state WHERE key = @k AND expires_at IS NOT NULL AND expires_at <= @now",
            ("@k", key), ("@now", database.NowTicks));
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
