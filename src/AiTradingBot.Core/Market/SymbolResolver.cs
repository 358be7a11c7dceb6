using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace AiTradingBot.Core.Market;

/// <summary>
/// Turns what people type for a market (<c>btc</c>, <c>bitcoin</c>, <c>BTC/USDT</c>, <c>btc perp</c>, <c>ETHUSDT</c>)
/// into an exchange symbol. A bare coin means its USDT pair.
/// </summary>
public static partial class SymbolResolver
{
    /// <summary>Quote currency of bare coins.</summary>
    public const string DefaultQuote = "USDT";

    private static readonly string[] Quotes = ["USDT", "USDC", "USD", "BTC", "ETH"];

    /// <summary>Coin names and tickers users type, mapped to base assets.</summary>
    public static FrozenDictionary<string, string> Coins { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["btc"] = "BTC", ["bitcoin"] = "BTC", ["xbt"] = "BTC", ["bitcoins"] = "BTC",
        ["eth"] = "ETH", ["ethereum"] = "ETH", ["ether"] = "ETH",
        ["sol"] = "SOL", ["solana"] = "SOL",
        ["doge"] = "DOGE", ["dogecoin"] = "DOGE",
        ["xrp"] = "XRP", ["ripple"] = "XRP",
        ["ada"] = "ADA", ["cardano"] = "ADA",
        ["bnb"] = "BNB", ["binance coin"] = "BNB",
        ["ltc"] = "LTC", ["litecoin"] = "LTC",
        ["avax"] = "AVAX", ["avalanche"] = "AVAX",
        ["dot"] = "DOT", ["polkadot"] = "DOT",
        ["link"] = "LINK", ["chainlink"] = "LINK",
        ["matic"] = "MATIC", ["polygon"] = "MATIC", ["pol"] = "POL",
        ["trx"] = "TRX", ["tron"] = "TRX",
        ["ton"] = "TON", ["toncoin"] = "TON",
        ["shib"] = "SHIB", ["shiba"] = "SHIB",
        ["pepe"] = "PEPE",
        ["arb"] = "ARB", ["arbitrum"] = "ARB",
        ["op"] = "OP", ["optimism"] = "OP",
        ["sui"] = "SUI",
        ["apt"] = "APT", ["aptos"] = "APT",
        ["near"] = "NEAR",
        ["atom"] = "ATOM", ["cosmos"] = "ATOM",
        ["uni"] = "UNI", ["uniswap"] = "UNI",
        ["bch"] = "BCH", ["bitcoin cash"] = "BCH",
        ["etc"] = "ETC", ["ethereum classic"] = "ETC",
        ["fil"] = "FIL", ["filecoin"] = "FIL",
        ["inj"] = "INJ", ["injective"] = "INJ",
        ["wif"] = "WIF",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    [GeneratedRegex(@"^(?<base>[A-Z0-9]{2,12})[/\-_:]?(?<quote>USDT|USDC|USD|PERP)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PairPattern();

    [GeneratedRegex(@"^[A-Z0-9]{2,20}$", RegexOptions.CultureInvariant)]
    private static partial Regex SymbolPattern();

    /// <summary>Whether text is a well-formed exchange symbol (upper-case letters and digits, a known quote).</summary>
    public static bool IsWellFormed(string symbol) =>
        SymbolPattern().IsMatch(symbol) && Quotes.Any(q => symbol.EndsWith(q, StringComparison.Ordinal) && symbol.Length > q.Length);

    /// <summary>
    /// The exchange symbol for a coin name, ticker or pair, or null when the text is not recognisably a market.
    /// Only known coin names resolve as bare words; pairs with an explicit quote resolve for any base.
    /// </summary>
    public static string? Resolve(string text)
    {
        var t = text.Trim().Trim('$', '#').ToLowerInvariant();
        foreach (var suffix in new[] { " perpetual", " perp", " futures", " future", " spot" })
            if (t.EndsWith(suffix, StringComparison.Ordinal)) t = t[..^suffix.Length].TrimEnd();
        if (Coins.TryGetValue(t, out var coin)) return coin + DefaultQuote;
        var upper = t.ToUpperInvariant().Replace(" ", "");
        var m = PairPattern().Match(upper);
        if (!m.Success) return null;
        var b = m.Groups["base"].Value;
        var q = m.Groups["quote"].Value;
        if (q is "" or "PERP")
        {
            // A bare word is only a coin when we know it, or when it already ends in a quote (ETHUSDT).
            foreach (var quote in Quotes.Take(2))
                if (b.EndsWith(quote, StringComparison.Ordinal) && b.Length > quote.Length) return b;
            return Coins.TryGetValue(b, out var known) ? known + DefaultQuote : null;
        }
        return q == "USD" ? b + DefaultQuote : b + q;
    }

    /// <summary>The base asset of a symbol (BTC for BTCUSDT).</summary>
    public static string BaseOf(string symbol)
    {
        foreach (var q in Quotes)
            if (symbol.EndsWith(q, StringComparison.Ordinal) && symbol.Length > q.Length) return symbol[..^q.Length];
        return symbol;
    }

    /// <summary>The quote asset of a symbol (USDT for BTCUSDT).</summary>
    public static string QuoteOf(string symbol) => symbol[BaseOf(symbol).Length..] is { Length: > 0 } q ? q : DefaultQuote;
}
