using System.Text;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AiTradingBot.Redis;

/// <summary>
/// Live state shared by every instance (confirmation tokens, halt latch, rate counters, chat context, leases) in
/// Redis. Each operation is one atomic Redis command or Lua script (INCR with a first-time TTL; lease renewal and
/// release compare the holder first), and keys are stored under <see cref="RedisOptions.KeyPrefix"/>. Scripts return
/// integers only, so their replies read the same under RESP2 and RESP3.
/// </summary>
public sealed class RedisKeyValueStore : IKeyValueStore
{
    // INCR and, only when this call created the key, its time to live, in one atomic step.
    private const string IncrementWithTtl =
        "local n = redis.call('INCR', KEYS[1]) " +
        "if n == 1 and tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end " +
        "return n";

    // A lease holder renews (or releases) only its own lease: a holder that stalled past its TTL must not extend or
    // delete the lease another instance has taken since.
    private const string RenewIfHolder =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

    private const string DeleteIfHolder =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private readonly RedisClient _client;
    private readonly string _prefix;

    /// <summary>Creates the store over a client with the configured key prefix.</summary>
    public RedisKeyValueStore(RedisClient client, IOptions<RedisOptions> options)
        : this(client, options.Value.KeyPrefix)
    {
    }

    /// <summary>Creates the store over a client with an explicit key prefix.</summary>
    public RedisKeyValueStore(RedisClient client, string keyPrefix)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _prefix = keyPrefix ?? "";
    }

    /// <summary>The prefix in front of every key.</summary>
    public string KeyPrefix => _prefix;

    /// <inheritdoc />
    public Task<string?> GetAsync(string key, CancellationToken ct) => _client.GetAsync(Key(key), ct);

    /// <inheritdoc />
    public Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) =>
        _client.SetAsync(Key(key), value ?? throw new ArgumentNullException(nameof(value)), ttl, SetCondition.Always, ct);

    /// <inheritdoc />
    public Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) =>
        _client.SetAsync(Key(key), value ?? throw new ArgumentNullException(nameof(value)), ttl, SetCondition.NotExists, ct);

    /// <inheritdoc />
    public Task<string?> GetDeleteAsync(string key, CancellationToken ct) => _client.GetDeleteAsync(Key(key), ct);

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string key, CancellationToken ct) => _client.DeleteAsync(Key(key), ct);

    /// <inheritdoc />
    public async Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct)
    {
        if (ttlOnCreate is null) return await _client.IncrementAsync(Key(key), ct).ConfigureAwait(false);
        if (ttlOnCreate.Value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttlOnCreate), ttlOnCreate, "A time to live must be positive.");
        var ms = Math.Max(1, (long)Math.Ceiling(ttlOnCreate.Value.TotalMilliseconds));
        var reply = await _client.EvaluateAsync(IncrementWithTtl, [Key(key)], [ms], ct).ConfigureAwait(false);
        return (long)reply;
    }

    /// <inheritdoc />
    public async Task<bool> RenewIfValueAsync(string key, string value, TimeSpan ttl, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ttl, TimeSpan.Zero);
        var ms = Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds));
        return (long)await _client.EvaluateAsync(RenewIfHolder, [Key(key)], [value, ms], ct).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteIfValueAsync(string key, string value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(value);
        return (long)await _client.EvaluateAsync(DeleteIfHolder, [Key(key)], [value], ct).ConfigureAwait(false) == 1;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var keys = new List<string>();
        await foreach (var key in _client.ScanAsync(EscapeGlob(_prefix + prefix) + "*", 1000, ct).ConfigureAwait(false))
            keys.Add(key[_prefix.Length..]);
        keys.Sort(StringComparer.Ordinal);
        return keys;
    }

    private string Key(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _prefix.Length == 0 ? key : _prefix + key;
    }

    /// <summary>Escapes SCAN MATCH's glob characters so a prefix matches literally.</summary>
    internal static string EscapeGlob(string text)
    {
        var sb = new StringBuilder(text.Length + 4);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
