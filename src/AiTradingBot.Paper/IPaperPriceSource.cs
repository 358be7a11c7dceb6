namespace AiTradingBot.Paper;

/// <summary>Where paper prices come from: the simulated feed by default, a market data source when configured.</summary>
public interface IPaperPriceSource
{
    /// <summary>Last price of a symbol at a time, or null when the symbol is unknown.</summary>
    decimal? PriceAt(string symbol, DateTimeOffset time);

    /// <summary>Symbols this source knows.</summary>
    IReadOnlyCollection<string> Symbols { get; }
}
