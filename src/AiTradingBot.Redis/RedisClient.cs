using System.Globalization;
using System.Runtime.CompilerServices;
using AiTradingBot.Redis.Resp;

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
/// Typed Redis commands over one shared <see cref="RedisConnection"/>. Every method is safe to call concurrently;
/// concurrent calls are pipelined on the one socket.
/// </summary>
public sealed class RedisClient
{
    /// <summary>Wraps a connection (the client owns nothing: dispose the connection).</summary>
    public RedisClient(RedisConnection connection)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
    }

    /// <summary>The underlying connection.</summary>
    public RedisConnection Connection { get; }

    /// <summary>Sends any command and returns the raw reply.</summary>
    public Task<RespValue> ExecuteAsync(string[] command, CancellationToken ct = default) => Connection.ExecuteAsync(command, ct);

    /// <summary><c>GET key</c>: the value, or null when the key does not exist.</summary>
    public async Task<string?> GetAsync(string key, CancellationToken ct = default) =>
        (await Connection.ExecuteAsync(["GET", key], ct).ConfigureAwait(false)).AsString();

    /// <summary>
    /// <c>SET key value [PX ms] [NX|XX]</c>: true when the value was written (false when the condition did not hold).
    /// A whole number of seconds is sent as <c>EX</c>, anything finer as <c>PX</c>.
    /// </summary>
    public async Task<bool> SetAsync(string key, string value, TimeSpan? expiry = null, SetCondition when = SetCondition.Always, CancellationToken ct = default)
    {
        var conditionArg = when switch { SetCondition.NotExists => "NX", SetCondition.Exists => "XX", _ => null };
        var size = 3 + (expiry is null ? 0 : 2) + (conditionArg is null ? 0 : 1);
        var args = new string[size];
        args[0] = "SET";
        args[1] = key;
        args[2] = value;
        var at = 3;
        if (expiry is { } ttl)
        {
            (args[3], args[4]) = ExpiryArgs(ttl, "EX", "PX");
            at = 5;
        }
        if (conditionArg is not null) args[at] = conditionArg;
        var reply = await Connection.ExecuteAsync(args, ct).ConfigureAwait(false);
        return !reply.IsNull;
    }

    /// <summary><c>GETDEL key</c>: returns the value and deletes the key in one step (Redis 6.2+).</summary>
    public async Task<string?> GetDeleteAsync(string key, CancellationToken ct = default) =>
        (await Connection.ExecuteAsync(["GETDEL", key], ct).ConfigureAwait(false)).AsString();

    /// <summary><c>DEL key [key ...]</c>: how many of the keys existed.</summary>
    public async Task<long> DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0) return 0;
        return (await Connection.ExecuteAsync(["DEL", .. keys], ct).ConfigureAwait(false)).AsInt64();
    }

    /// <summary><c>DEL key</c>: true when it existed.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken ct = default) =>
        (await Connection.ExecuteAsync(["DEL", key], ct).ConfigureAwait(false)).AsInt64() > 0;

    /// <summary><c>INCR key</c>: the new value (a missing key counts from 0).</summary>
    public async Task<long> IncrementAsync(string key, CancellationToken ct = default) =>
        (await Connection.ExecuteAsync(["INCR", key], ct).ConfigureAwait(false)).AsInt64();

    /// <summary><c>EXPIRE</c> (whole seconds) or <c>PEXPIRE</c> (finer): true when the key exists and got the time to live.</summary>
    public async Task<bool> ExpireAsync(string key, TimeSpan ttl, CancellationToken ct = default)
    {
        var (unit, amount) = ExpiryArgs(ttl, "EXPIRE", "PEXPIRE");
        return (await Connection.ExecuteAsync([unit, key, amount], ct).ConfigureAwait(false)).AsInt64() == 1;
    }

    /// <summary><c>PTTL key</c>: remaining time to live; null when the key has none or does not exist.</summary>
    public async Task<TimeSpan?> TimeToLiveAsync(string key, CancellationToken ct = default)
    {
        var ms = (await Connection.ExecuteAsync(["PTTL", key], ct).ConfigureAwait(false)).AsInt64();
        return ms < 0 ? null : TimeSpan.FromMilliseconds(ms);
    }

    /// <summary>
    /// Iterates keys with <c>SCAN cursor MATCH pattern COUNT n</c> until the cursor returns to 0. SCAN may repeat a key;
    /// repeats are filtered out here.
    /// </summary>
    public async IAsyncEnumerable<string> ScanAsync(string pattern = "*", int pageSize = 500, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var cursor = "0";
        var count = pageSize.ToString(CultureInfo.InvariantCulture);
        do
        {
            var reply = await Connection.ExecuteAsync(["SCAN", cursor, "MATCH", pattern, "COUNT", count], ct).ConfigureAwait(false);
            if (reply.Items.Count != 2) throw new RespProtocolException("SCAN replied with something other than [cursor, keys].");
            cursor = reply.Items[0].AsString() ?? "0";
            foreach (var key in reply.Items[1].Items)
            {
                var text = key.AsString();
                if (text is not null && seen.Add(text)) yield return text;
            }
        } while (cursor != "0");
    }

    /// <summary><c>PUBLISH channel message</c>: how many subscribers received it.</summary>
    public async Task<long> PublishAsync(string channel, string message, CancellationToken ct = default) =>
        (await Connection.ExecuteAsync(["PUBLISH", channel, message], ct).ConfigureAwait(false)).AsInt64();

    /// <summary><c>PING</c>: the round-trip time.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken ct = default)
    {
        var started = TimeProvider.System.GetTimestamp();
        var reply = await Connection.ExecuteAsync(["PING"], ct).ConfigureAwait(false);
        if (reply.AsString() != "PONG") throw new RespProtocolException($"PING answered {reply}.");
        return TimeProvider.System.GetElapsedTime(started);
    }

    /// <summary><c>INFO [section]</c> parsed into field → value (section headers and blank lines dropped).</summary>
    public async Task<IReadOnlyDictionary<string, string>> InfoAsync(string? section = null, CancellationToken ct = default)
    {
        var reply = await Connection.ExecuteAsync(section is null ? ["INFO"] : ["INFO", section], ct).ConfigureAwait(false);
        var info = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in (reply.AsString() ?? "").Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0 || trimmed[0] == '#') continue;
            var colon = trimmed.IndexOf(':');
            if (colon > 0) info[trimmed[..colon]] = trimmed[(colon + 1)..];
        }
        return info;
    }

    /// <summary><c>SCRIPT LOAD script</c>: the script's SHA1 for <see cref="EvalShaAsync"/>.</summary>
    public async Task<string> ScriptLoadAsync(string script, CancellationToken ct = default) =>
        (await Connection.ExecuteAsync(["SCRIPT", "LOAD", script], ct).ConfigureAwait(false)).AsString()
        ?? throw new RespProtocolException("SCRIPT LOAD returned no SHA.");

    /// <summary><c>EVALSHA sha numkeys keys... args...</c>; throws <see cref="RedisServerException"/> with code NOSCRIPT if not loaded.</summary>
    public Task<RespValue> EvalShaAsync(string sha, IReadOnlyList<string> keys, IReadOnlyList<string> args, CancellationToken ct = default) =>
        Connection.ExecuteAsync(["EVALSHA", sha, keys.Count.ToString(CultureInfo.InvariantCulture), .. keys, .. args], ct);

    /// <summary><c>EVAL script numkeys keys... args...</c>.</summary>
    public Task<RespValue> EvalAsync(string script, IReadOnlyList<string> keys, IReadOnlyList<string> args, CancellationToken ct = default) =>
        Connection.ExecuteAsync(["EVAL", script, keys.Count.ToString(CultureInfo.InvariantCulture), .. keys, .. args], ct);

    /// <summary>Expiry arguments: whole seconds with the seconds form, otherwise milliseconds (rounded up, at least 1).</summary>
    internal static (string Unit, string Amount) ExpiryArgs(TimeSpan ttl, string secondsForm, string millisecondsForm)
    {
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), ttl, "A time to live must be positive.");
        if (ttl.Ticks % TimeSpan.TicksPerSecond == 0)
            return (secondsForm, (ttl.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture));
        var ms = (long)Math.Ceiling(ttl.TotalMilliseconds);
        return (millisecondsForm, Math.Max(1, ms).ToString(CultureInfo.InvariantCulture));
    }
}
