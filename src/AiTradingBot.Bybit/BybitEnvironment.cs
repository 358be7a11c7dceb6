namespace AiTradingBot.Bybit;

/// <summary>Which Bybit service the keys belong to; each has its own hosts and its own keys.</summary>
public enum BybitEnvironment
{
    /// <summary>Real money: api.bybit.com, stream.bybit.com.</summary>
    Mainnet,

    /// <summary>Bybit's test network with test coins: api-testnet.bybit.com, stream-testnet.bybit.com.</summary>
    Testnet,

    /// <summary>Demo trading on mainnet prices with a separate demo account: api-demo.bybit.com, stream-demo.bybit.com.</summary>
    Demo,
}
