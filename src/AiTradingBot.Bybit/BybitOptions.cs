namespace AiTradingBot.Bybit;

/// <summary>Configuration section <c>Bybit</c>. Keys and secret are never logged nor put in exception messages.</summary>
public sealed class BybitOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Bybit";

    /// <summary>mainnet, testnet or demo; picks REST and WebSocket hosts. Testnet unless set, so real money is a deliberate choice.</summary>
    public string Environment { get; set; } = "testnet";

    /// <summary>Overrides the REST host, e.g. a local test server.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Overrides the private WebSocket URL (…/v5/private).</summary>
    public string? WebSocketUrl { get; set; }

    /// <summary>Overrides the public WebSocket base URL (…/v5/public); the category (linear, spot) is appended.</summary>
    public string? PublicWebSocketUrl { get; set; }

    /// <summary>API key (read-and-trade permissions, never withdrawal).</summary>
    public string? ApiKey { get; set; }

    /// <summary>API secret.</summary>
    public string? ApiSecret { get; set; }

    /// <summary>How long after its timestamp Bybit still accepts a request, in milliseconds.</summary>
    public int RecvWindow { get; set; } = 5000;

    /// <summary>Time allowed for one REST call before its outcome is treated as unknown.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest rate-limit wait honoured before the call fails instead.</summary>
    public TimeSpan MaxRateLimitWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a streamed ticker is used before the REST ticker is asked again.</summary>
    public TimeSpan TickerMaxAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long instrument rules are cached.</summary>
    public TimeSpan InstrumentCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How far back reconciliation reads executions when no fill is stored yet.</summary>
    public TimeSpan InitialReconcileLookback { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Interval of the JSON ping on the WebSockets (Bybit drops silent connections).</summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Longest wait between reconnect attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Subscribe to public tickers for the price cache (off: every price comes from REST).</summary>
    public bool StreamTickers { get; set; } = true;

    /// <summary>
    /// Settle coins of the linear contracts in use, comma-separated: open orders and positions are listed, and the
    /// killswitch cancels, once per coin (Bybit requires a symbol or settle coin for linear).
    /// </summary>
    public string SettleCoins { get; set; } = "USDT,USDC";

    /// <summary><see cref="SettleCoins"/> as a list.</summary>
    public IReadOnlyList<string> SettleCoinList =>
        SettleCoins.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => c.ToUpperInvariant()).Distinct().ToList();

    /// <summary>The parsed environment (valid after options validation).</summary>
    public BybitEnvironment ParsedEnvironment =>
        Enum.TryParse<BybitEnvironment>(Environment, ignoreCase: true, out var e) ? e : BybitEnvironment.Testnet;

    /// <summary>REST base URL in effect.</summary>
    public Uri RestUri => new(BaseUrl is { Length: > 0 } b ? b : ParsedEnvironment switch
    {
        BybitEnvironment.Mainnet => "https://api.bybit.com",
        BybitEnvironment.Demo => "https://api-demo.bybit.com",
        _ => "https://api-testnet.bybit.com",
    });

    /// <summary>Private WebSocket URL in effect.</summary>
    public Uri PrivateStreamUri => new(WebSocketUrl is { Length: > 0 } w ? w : ParsedEnvironment switch
    {
        BybitEnvironment.Mainnet => "wss://stream.bybit.com/v5/private",
        BybitEnvironment.Demo => "wss://stream-demo.bybit.com/v5/private",
        _ => "wss://stream-testnet.bybit.com/v5/private",
    });

    /// <summary>Public WebSocket URL of a category (linear or spot). Demo has no public streams of its own: its prices are mainnet's.</summary>
    public Uri PublicStreamUri(string category) => new((PublicWebSocketUrl is { Length: > 0 } p ? p : ParsedEnvironment switch
    {
        BybitEnvironment.Testnet => "wss://stream-testnet.bybit.com/v5/public",
        _ => "wss://stream.bybit.com/v5/public",
    }).TrimEnd('/') + "/" + category);
}
