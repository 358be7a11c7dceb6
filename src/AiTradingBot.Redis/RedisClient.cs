using System.Runtime.CompilerServices;
using StackExchange.Redis;

namespace AiTradingBot.Redis;

/// <summary>Condition for <see cref="RedisClient.SetAsync"/>.</summary>
public enum SetCondition
{
    /// <summary>Always set.</summary>
    Always,
    /// <summary>Set only when the key does not exist (<c>NX</c>).</summary>
    NotExists,
    /// <summary>Set only when the key exists (<c>XX</c>).</summary>
    Exists,
}

/// <summary>
/// The commands the adapters use, on one database of the shared multiplexer. Concurrent calls are pipelined by
/// StackExchange.Redis on one socket. Every library failure becomes a <see cref="RedisUnavailableException"/> with a
/// message for operators; error replies (WRONGTYPE, a Lua error) stay the library's <see cref="RedisServerException"/>.
/// A cancelled caller returns at once; a command already written still runs on the server (it may or may not have run).
/// </summary>
public sealed class RedisClient
{
    private readonly RedisConnection _connection;
    private IDatabase? _database;

    /// <summary>A client of one database of <paramref name="connection"/> (the connection string's when null).</summary>
    public RedisClient(RedisConnection connection, int? database = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        Database = database ?? connection.Options.Database;
    }

    /// <summary>The shared connection.</summary>
    public RedisConnection Connection => _connection;

    /// <summary>The database number.</summary>
    public int Database { get; }

    /// <summary>The library's database object (connects on first use).</summary>
    public ValueTask<IDatabase> DatabaseAsync(CancellationToken ct = default) =>
        _database is { } ready ? ValueTask.FromResult(ready) : new ValueTask<IDatabase>(ConnectAsync(ct));

    private async Task<IDatabase> ConnectAsync(CancellationToken ct)
    {
        var multiplexer = await _connection.GetMultiplexerAsync(ct).ConfigureAwait(false);
        return _database = multiplexer.GetDatabase(Database);
    }

    /// <summary><c>GET key</c>: the value, or null when the key does not exist.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken ct = default)
    {
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return (string?)await db.StringGetAsync(key).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "GET");
        }
    }

    /// <summary><c>SET key value [PX ms] [NX|XX]</c>: true when the value was written (false when the condition did not hold).</summary>
    public async Task<bool> SetAsync(string key, string value, TimeSpan? expiry = null, SetCondition when = SetCondition.Always, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (expiry is { } ttl && ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(expiry), expiry, "A time to live must be positive.");
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        var condition = when switch { SetCondition.NotExists => When.NotExists, SetCondition.Exists => When.Exists, _ => When.Always };
        try
        {
            return await db.StringSetAsync(key, value, expiry, condition).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "SET");
        }
    }

    /// <summary><c>GETDEL key</c>: the value, deleted in the same step, so exactly one caller gets it (Redis 6.2+).</summary>
    public async Task<string?> GetDeleteAsync(string key, CancellationToken ct = default)
    {
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return (string?)await db.StringGetDeleteAsync(key).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "GETDEL");
        }
    }

    /// <summary><c>DEL key</c>: true when it existed.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken ct = default)
    {
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return await db.KeyDeleteAsync(key).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "DEL");
        }
    }

    /// <summary><c>DEL key [key ...]</c>: how many of the keys existed.</summary>
    public async Task<long> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return 0;
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return await db.KeyDeleteAsync(keys.Select(k => (RedisKey)k).ToArray()).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "DEL");
        }
    }

    /// <summary><c>INCR key</c>: the new value (a missing key counts from 0).</summary>
    public async Task<long> IncrementAsync(string key, CancellationToken ct = default)
    {
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return await db.StringIncrementAsync(key).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "INCR");
        }
    }

    /// <summary><c>PTTL key</c>: remaining time to live; null when the key has none or does not exist.</summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string key, CancellationToken ct = default)
    {
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return await db.KeyTimeToLiveAsync(key).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "PTTL");
        }
    }

    /// <summary>
    /// <c>EVALSHA</c> of a Lua script (the library sends the script with <c>EVAL</c> the first time and again after a
    /// server restart emptied its script cache). The reply's shape follows the connection's protocol.
    /// </summary>
    public async Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] args, CancellationToken ct = default)
    {
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return await db.ScriptEvaluateAsync(script, keys, args).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "EVALSHA");
        }
    }

    /// <summary>Keys matching a glob pattern, through <c>SCAN</c> (never <c>KEYS</c>); repeats SCAN may return are dropped.</summary>
    public async IAsyncEnumerable<string> ScanAsync(string pattern = "*", int pageSize = 500, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var multiplexer = await _connection.GetMultiplexerAsync(ct).ConfigureAwait(false);
        var server = multiplexer.GetServer(multiplexer.GetEndPoints()[0]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var keys = server.KeysAsync(Database, pattern, pageSize).ConfigureAwait(false).WithCancellation(ct).GetAsyncEnumerator();
        try
        {
            while (true)
            {
                try
                {
                    if (!await keys.MoveNextAsync()) break;
                }
                catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
                {
                    throw _connection.Unavailable(e, "SCAN");
                }
                var key = (string?)keys.Current;
                if (key is not null && seen.Add(key)) yield return key;
            }
        }
        finally
        {
            await keys.DisposeAsync();
        }
    }

    /// <summary><c>PUBLISH channel message</c>: how many subscribers received it.</summary>
    public async Task<long> PublishAsync(string channel, string message, CancellationToken ct = default)
    {
        var multiplexer = await _connection.GetMultiplexerAsync(ct).ConfigureAwait(false);
        try
        {
            return await multiplexer.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), message).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "PUBLISH");
        }
    }

    /// <summary><c>PING</c>: the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken ct = default)
    {
        var db = await DatabaseAsync(ct).ConfigureAwait(false);
        try
        {
            return await db.PingAsync().WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (RedisConnection.IsLibraryFailure(e))
        {
            throw _connection.Unavailable(e, "PING");
        }
    }

    /// <summary>The server's version, as the library learned it when connecting (no admin command needed).</summary>
    public async Task<Version> ServerVersionAsync(CancellationToken ct = default)
    {
        var multiplexer = await _connection.GetMultiplexerAsync(ct).ConfigureAwait(false);
        return multiplexer.GetServer(multiplexer.GetEndPoints()[0]).Version;
    }
}
