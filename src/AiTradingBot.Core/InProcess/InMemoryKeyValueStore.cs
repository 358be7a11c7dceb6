using System.Text.Json.Nodes;
using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.InProcess;

/// <summary>
/// The embedded live-state store: one lock, expiry by <see cref="TimeProvider"/>. When a file is given, every key is
/// written to it (atomically) with its expiry and read back at start, so a killswitch halt or a Telegram offset
/// survives a restart of a single instance, and a confirmation card made by one <c>ask</c> can be confirmed by the
/// next (<c>ask --confirm CODE</c>) until it expires. Several instances need Redis.
/// </summary>
public sealed class InMemoryKeyValueStore : IKeyValueStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string Value, DateTimeOffset? Expires)> _items = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string? _file;

    /// <summary>Creates a store; <paramref name="durableFile"/> keeps keys across restarts (each until its expiry).</summary>
    public InMemoryKeyValueStore(TimeProvider time, string? durableFile = null)
    {
        _time = time;
        _file = durableFile;
        if (_file is not null && File.Exists(_file))
        {
            // A plain string is a key without expiry (also the older file format); an object carries its expiry.
            var saved = JsonNode.Parse(File.ReadAllText(_file)) as JsonObject ?? [];
            var now = _time.GetUtcNow();
            foreach (var (k, v) in saved)
                if (v is JsonValue plain && plain.TryGetValue<string>(out var text)) _items[k] = (text, null);
                else if (v is JsonObject { } entry && (string?)entry["value"] is { } value && (DateTimeOffset?)entry["expires"] is { } expires && expires > now)
                    _items[k] = (value, expires);
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
            Save();
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
        _items[key] = (value, ttl is { } t ? _time.GetUtcNow() + t : null);
        Save();
    }

    private void Remove(string key)
    {
        if (_items.Remove(key)) Save();
    }

    private void Save()
    {
        if (_file is null) return;
        var now = _time.GetUtcNow();
        var saved = new JsonObject();
        foreach (var (key, (value, expires)) in _items)
            if (expires is null) saved[key] = value;
            else if (expires > now) saved[key] = new JsonObject { ["value"] = value, ["expires"] = expires };
        var tmp = _file + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_file))!);
        File.WriteAllText(tmp, saved.ToJsonString());
        File.Move(tmp, _file, overwrite: true);
    }
}
