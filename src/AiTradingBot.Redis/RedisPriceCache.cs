using System.Globalization;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Redis;

/// <summary>
/// Last known prices shared by instances and strategies: <c>price:{symbol}</c> (not prefixed) = the price as a plain
/// decimal number, expiring after <see cref="RedisOptions.PriceTtl"/> so a stale price is never served for long.
/// </summary>
public sealed class RedisPriceCache
{
    private readonly RedisClient _client;
    private readonly TimeSpan _ttl;

    /// <summary>Creates the cache.</summary>
    public RedisPriceCache(RedisClient client, IOptions<RedisOptions> options)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _ttl = options.Value.PriceTtl;
    }

    /// <summary>The key of a symbol's price.</summary>
    public static string Key(string symbol) => $"price:{symbol}";

    /// <summary>Stores a price.</summary>
    public Task SetAsync(string symbol, decimal price, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(price);
        return _client.SetAsync(Key(symbol), RedisPositionPublisher.Format(price), _ttl, ct: ct);
    }

    /// <summary>The cached price, or null when missing, expired or not a number.</summary>
    public async Task<decimal?> GetAsync(string symbol, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        var text = await _client.GetAsync(Key(symbol), ct).ConfigureAwait(false);
        // Someone else's unreadable value is a cache miss: the caller then asks the exchange.
        return decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var price) && price > 0 ? price : null;
    }
}
