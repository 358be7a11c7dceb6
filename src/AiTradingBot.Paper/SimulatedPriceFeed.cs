using System.Collections.Frozen;

namespace AiTradingBot.Paper;

/// <summary>
/// Deterministic seeded prices: a pure function of (seed, symbol, minute), so two runs, two processes and tests
/// see the same price at the same time. Slow waves plus per-minute noise around a reference price.
/// </summary>
public sealed class SimulatedPriceFeed : IPaperPriceSource
{
    /// <summary>Reference prices of the simulated markets (USDT).</summary>
    public static FrozenDictionary<string, decimal> ReferencePrices { get; } = new Dictionary<string, decimal>
    {
        ["BTCUSDT"] = 50_000m, ["ETHUSDT"] = 3_000m, ["SOLUSDT"] = 150m, ["DOGEUSDT"] = 0.15m, ["XRPUSDT"] = 0.6m,
        ["ADAUSDT"] = 0.45m, ["BNBUSDT"] = 550m, ["LTCUSDT"] = 80m, ["AVAXUSDT"] = 35m, ["DOTUSDT"] = 7m,
        ["LINKUSDT"] = 15m, ["MATICUSDT"] = 0.7m, ["POLUSDT"] = 0.5m, ["TRXUSDT"] = 0.12m, ["TONUSDT"] = 5.5m,
        ["SHIBUSDT"] = 0.00002m, ["PEPEUSDT"] = 0.00001m, ["ARBUSDT"] = 1m, ["OPUSDT"] = 2m, ["SUIUSDT"] = 1.5m,
        ["APTUSDT"] = 9m, ["NEARUSDT"] = 5m, ["ATOMUSDT"] = 8m, ["UNIUSDT"] = 8m, ["BCHUSDT"] = 400m,
        ["ETCUSDT"] = 25m, ["FILUSDT"] = 5m, ["INJUSDT"] = 25m, ["WIFUSDT"] = 2m,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly int _seed;

    /// <summary>Creates a feed with a seed.</summary>
    public SimulatedPriceFeed(int seed) => _seed = seed;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Symbols => ReferencePrices.Keys;

    /// <inheritdoc />
    public decimal? PriceAt(string symbol, DateTimeOffset time)
    {
        if (!ReferencePrices.TryGetValue(symbol, out var reference)) return null;
        var h = Hash(symbol);
        var minutes = time.ToUnixTimeSeconds() / 60.0;
        var phase1 = (h & 0xFFFF) / 65535.0 * 2 * Math.PI;
        var phase2 = ((h >> 16) & 0xFFFF) / 65535.0 * 2 * Math.PI;
        var wave = 0.04 * Math.Sin(2 * Math.PI * minutes / (60 * 24 * 3) + phase1) + 0.015 * Math.Sin(2 * Math.PI * minutes / 240 + phase2);
        var noise = (Noise(h, (long)minutes) - 0.5) * 0.004;
        var price = reference * (decimal)(1 + wave + noise);
        return Round(price);
    }

    private static decimal Round(decimal price) => price switch
    {
        >= 1000 => Math.Round(price, 1),
        >= 10 => Math.Round(price, 2),
        >= 1 => Math.Round(price, 4),
        >= 0.01m => Math.Round(price, 6),
        _ => Math.Round(price, 10),
    };

    private uint Hash(string symbol)
    {
        var h = 2166136261u ^ (uint)_seed;
        foreach (var c in symbol) h = (h ^ c) * 16777619u;
        return h;
    }

    private static double Noise(uint h, long minute)
    {
        var x = (ulong)minute * 0x9E3779B97F4A7C15UL ^ h;
        x ^= x >> 33; x *= 0xFF51AFD7ED558CCDUL; x ^= x >> 33; x *= 0xC4CEB9FE1A85EC53UL; x ^= x >> 33;
        return (x & 0xFFFFFF) / (double)0xFFFFFF;
    }
}
