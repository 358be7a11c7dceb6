using System.Globalization;
using System.Text;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Redis;

/// <summary>
/// Live state shared by every instance (confirmation tokens, halt latch, rate counters, chat context, leases) in
/// Redis. Each operation is one atomic Redis command (INCR with a first-time TTL is one Lua script), and keys are
/// stored under <see cref="RedisOptions.KeyPrefix"/>.
/// </summary>
public sealed class RedisKeyValueStore : IKeyValueStore
{
    // INCR and, only when this call created the key, its time to live, in one atomic step.
    private static readonly RedisScript IncrementWithTtl = new(
        "local n = redis.call('INCR', KEYS[1]) " +
        "if n == 1 and tonumber(ARGV[1]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end " +
        "return n");

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
        var ms = Math.Max(1, (long)Math.Ceiling(ttlOnCreate.Value.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        var reply = await IncrementWithTtl.RunAsync(_client, [Key(key)], [ms], ct).ConfigureAwait(false);
        return reply.AsInt64();
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
