using AiTradingBot.Paper;

namespace AiTradingBot.Core.Tests.Support;

/// <summary>Paper prices set by the test.</summary>
public sealed class SettablePrices : IPaperPriceSource
{
    private readonly Dictionary<string, decimal> _prices = new(StringComparer.Ordinal)
    {
        ["BTCUSDT"] = 50_000m, ["ETHUSDT"] = 3_000m, ["SOLUSDT"] = 150m, ["DOGEUSDT"] = 0.15m,
    };

    /// <summary>Sets a price.</summary>
    public void Set(string symbol, decimal price) => _prices[symbol] = price;

    /// <inheritdoc />
    public decimal? PriceAt(string symbol, DateTimeOffset time) => _prices.TryGetValue(symbol, out var p) ? p : null;

    /// <inheritdoc />
    public IReadOnlyCollection<string> Symbols => _prices.Keys;
}
