namespace AiTradingBot.Core.Ports;

/// <summary>
/// Live state shared by instances: confirmation tokens, halt latch, rate counters, chat context, leases.
/// Redis in production, an in-process store by default. Every operation is atomic on its key.
/// </summary>
public interface IKeyValueStore
{
    /// <summary>Value of a key, or null.</summary>
    Task<string?> GetAsync(string key, CancellationToken ct);

    /// <summary>Sets a key, with an optional time to live.</summary>
    Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct);

    /// <summary>Sets a key only when it does not exist (a lock or lease); true when set.</summary>
    Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct);

    /// <summary>Gets and deletes a key in one step: exactly one caller gets the value.</summary>
    Task<string?> GetDeleteAsync(string key, CancellationToken ct);

    /// <summary>Deletes a key; true when it existed.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken ct);

    /// <summary>Increments a counter, setting its time to live when it is created; returns the new value.</summary>
    Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct);

    /// <summary>Keys that start with a prefix.</summary>
    Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct);

    /// <summary>
    /// Renews a lease: sets the key's time to live only while it still holds <paramref name="value"/>; true when renewed.
    /// Stores shared by several processes override this with one atomic step; this default is check-then-act.
    /// </summary>
    async Task<bool> RenewIfValueAsync(string key, string value, TimeSpan ttl, CancellationToken ct)
    {
        if (await GetAsync(key, ct).ConfigureAwait(false) != value) return false;
        await SetAsync(key, value, ttl, ct).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Releases a lease: deletes the key only while it still holds <paramref name="value"/>; true when deleted.
    /// Stores shared by several processes override this with one atomic step; this default is check-then-act.
    /// </summary>
    async Task<bool> DeleteIfValueAsync(string key, string value, CancellationToken ct) =>
        await GetAsync(key, ct).ConfigureAwait(false) == value && await DeleteAsync(key, ct).ConfigureAwait(false);
}
