using System.Security.Cryptography;
using System.Text;
using AiTradingBot.Redis.Resp;

namespace AiTradingBot.Redis;

/// <summary>
/// A Lua script run with <c>EVALSHA</c> (only the 40-byte hash travels); when the server does not know it yet
/// (first use, or after a restart flushed the script cache) it falls back to <c>EVAL</c>, which also caches it.
/// </summary>
public sealed class RedisScript
{
    /// <summary>Wraps the script text and computes its SHA1 locally (the same hash <c>SCRIPT LOAD</c> returns).</summary>
    public RedisScript(string source)
    {
        Source = source ?? throw new ArgumentNullException(nameof(source));
        Sha1 = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(source)));
    }

    /// <summary>The Lua source.</summary>
    public string Source { get; }

    /// <summary>Lower-case hex SHA1 of the source.</summary>
    public string Sha1 { get; }

    /// <summary>Runs the script with the given keys and arguments.</summary>
    public async Task<RespValue> RunAsync(RedisClient client, IReadOnlyList<string> keys, IReadOnlyList<string> args, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            return await client.EvalShaAsync(Sha1, keys, args, ct).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Code == "NOSCRIPT")
        {
            return await client.EvalAsync(Source, keys, args, ct).ConfigureAwait(false);
        }
    }
}
