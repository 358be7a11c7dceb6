using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Validation;

/// <summary>
/// Prices and instrument rules for the symbols a plan trades, fetched once per plan so validation, risk, sizing
/// and the confirmation card all see the same numbers.
/// </summary>
public sealed record MarketSnapshot(
    IReadOnlyDictionary<string, Ticker> Tickers,
    IReadOnlyDictionary<string, InstrumentRules> Instruments,
    IReadOnlyDictionary<string, string> Errors)
{
    /// <summary>No market data (plans without orders).</summary>
    public static MarketSnapshot Empty { get; } = new(new Dictionary<string, Ticker>(), new Dictionary<string, InstrumentRules>(), new Dictionary<string, string>());

    /// <summary>Last price of a symbol, if known.</summary>
    public decimal? LastPrice(string symbol) => Tickers.TryGetValue(symbol, out var t) ? t.LastPrice : null;

    /// <summary>Loads tickers and rules for every symbol an order step names (and position closes).</summary>
    public static async Task<MarketSnapshot> LoadAsync(IEnumerable<PlanStep> steps, IExchange exchange, CancellationToken ct)
    {
        var wanted = new Dictionary<string, OrderCategory>(StringComparer.Ordinal);
        foreach (var s in steps)
            switch (s.Args)
            {
                case OrderPlaceArgs o: wanted.TryAdd(o.Symbol, o.Category); break;
                case PositionCloseArgs c when c.Symbol != "all": wanted.TryAdd(c.Symbol, OrderCategory.Linear); break;
            }
        if (wanted.Count == 0) return Empty;
        var tickers = new Dictionary<string, Ticker>(StringComparer.Ordinal);
        var rules = new Dictionary<string, InstrumentRules>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (symbol, category) in wanted)
        {
            try
            {
                var instrument = await exchange.GetInstrumentAsync(symbol, category, ct).ConfigureAwait(false);
                if (instrument is null)
                {
                    errors[symbol] = $"{symbol} is not listed on {exchange.Mode.Label} ({category.ToString().ToLowerInvariant()}).";
                    continue;
                }
                rules[symbol] = instrument;
                tickers[symbol] = await exchange.GetTickerAsync(symbol, category, ct).ConfigureAwait(false);
            }
            catch (ExchangeException e)
            {
                errors[symbol] = $"Market data for {symbol} is unavailable: {e.Message}";
            }
        }
        return new MarketSnapshot(tickers, rules, errors);
    }
}
