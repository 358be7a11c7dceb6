using System.Text.Json;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.InProcess;

/// <summary>
/// The embedded live-state store: one lock, expiry by <see cref="TimeProvider"/>. Keys without a time to live are
/// durable: when a file is given they are written to it (atomically) and read back at start, so a killswitch halt
/// or a Telegram offset survives a restart of a single instance. Several instances need Redis.
/// </summary>
public sealed class InMemoryKeyValueStore : IKeyValueStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Value, DateTimeOffset? Expires)> _items = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string? _file;

    /// <summary>Creates a store; <paramref name="durableFile"/> keeps keys without TTL across restarts.</summary>
    public InMemoryKeyValueStore(TimeProvider time, string? durableFile = null)
    {
        _time = time;
        _file = durableFile;
        if (_file is not null && File.Exists(_file))
        {
            var saved = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(_file)) ?? [];
            foreach (var (k, v) in saved) _items[k] = (v, null);
        }
    }

    /// <inheritdoc />
    public Task<string?> GetAsync(string key, CancellationToken ct)
    {
        lock (_gate) return Task.FromResult(Live(key));
    }

    /// <inheritdoc />
    public Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct)
    {
        lock (_gate) Put(key, value, ttl);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct)
    {
        lock (_gate)
        {
            if (Live(key) is not null) return Task.FromResult(false);
            Put(key, value, ttl);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<string?> GetDeleteAsync(string key, CancellationToken ct)
    {
        lock (_gate)
        {
            var value = Live(key);
            if (value is not null) Remove(key);
            return Task.FromResult(value);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        lock (_gate)
        {
            var existed = Live(key) is not null;
            Remove(key);
            return Task.FromResult(existed);
        }
    }

    /// <inheritdoc />
    public Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct)
    {
        lock (_gate)
        {
            var current = Live(key);
            var next = (current is null ? 0 : long.Parse(current, System.Globalization.CultureInfo.InvariantCulture)) + 1;
            var expires = current is null ? (ttlOnCreate is { } t ? _time.GetUtcNow() + t : (DateTimeOffset?)null) : _items[key].Expires;
            _items[key] = (next.ToString(System.Globalization.CultureInfo.InvariantCulture), expires);
            if (expires is null) Save();
            return Task.FromResult(next);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            IReadOnlyList<string> keys = _items.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && (kv.Value.Expires is null || kv.Value.Expires > now))
                .Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
            return Task.FromResult(keys);
        }
    }

    /// <inheritdoc />
    public Task<bool> RenewIfValueAsync(string key, string value, TimeSpan ttl, CancellationToken ct)
    {
        lock (_gate)
        {
            if (Live(key) != value) return Task.FromResult(false);
            Put(key, value, ttl);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<bool> DeleteIfValueAsync(string key, string value, CancellationToken ct)
    {
        lock (_gate)
        {
            if (Live(key) != value) return Task.FromResult(false);
            Remove(key);
            return Task.FromResult(true);
        }
    }

    private string? Live(string key)
    {
        if (!_items.TryGetValue(key, out var item)) return null;
        if (item.Expires is { } e && e <= _time.GetUtcNow())
        {
            _items.Remove(key);
            return null;
        }
        return item.Value;
    }

    private void Put(string key, string value, TimeSpan? ttl)
    {
        var wasDurable = _items.TryGetValue(key, out var old) && old.Expires is null;
        _items[key] = (value, ttl is { } t ? _time.GetUtcNow() + t : null);
        if (ttl is null || wasDurable) Save();
    }

    private void Remove(string key)
    {
        if (_items.Remove(key, out var old) && old.Expires is null) Save();
    }

    private void Save()
    {
        if (_file is null) return;
        var durable = _items.Where(kv => kv.Value.Expires is null).ToDictionary(kv => kv.Key, kv => kv.Value.Value);
        var tmp = _file + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_file))!);
        File.WriteAllText(tmp, JsonSerializer.Serialize(durable));
        File.Move(tmp, _file, overwrite: true);
    }
}
