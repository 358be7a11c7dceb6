using System.Collections.Concurrent;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>Last prices pushed by the public <c>tickers.{symbol}</c> streams, and which symbols to stream.</summary>
public sealed class BybitPriceCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<(string, OrderCategory), (Ticker Ticker, DateTimeOffset Received)> _prices = new();
    private readonly ConcurrentDictionary<(string, OrderCategory), byte> _wanted = new();

    /// <summary>Raised when a symbol is first wanted, so the stream can subscribe it.</summary>
    public event Action<string, OrderCategory>? SymbolAdded;

    /// <summary>Symbols the stream should follow.</summary>
    public IEnumerable<(string Symbol, OrderCategory Category)> Wanted => _wanted.Keys;

    /// <summary>Asks the stream to follow a symbol.</summary>
    public void Track(string symbol, OrderCategory category)
    {
        if (_wanted.TryAdd((symbol, category), 0)) SymbolAdded?.Invoke(symbol, category);
    }

    /// <summary>Stores a price.</summary>
    public void Set(Ticker ticker, OrderCategory category) => _prices[(ticker.Symbol, category)] = (ticker, time.GetUtcNow());

    /// <summary>The cached ticker, when received within <paramref name="maxAge"/>.</summary>
    public Ticker? GetFresh(string symbol, OrderCategory category, TimeSpan maxAge) =>
        _prices.TryGetValue((symbol, category), out var p) && time.GetUtcNow() - p.Received <= maxAge ? p.Ticker : null;

    /// <summary>The cached ticker regardless of age (a stream delta is merged into it).</summary>
    public Ticker? Get(string symbol, OrderCategory category) => _prices.TryGetValue((symbol, category), out var p) ? p.Ticker : null;
}
