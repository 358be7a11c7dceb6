using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Ports;

/// <summary>
/// One venue: orders, positions, balances, instruments and prices. Paper and Bybit are peers behind it.
/// Executions do not come back from these calls: they flow to <see cref="IExecutionSink"/>, as live fills do.
/// </summary>
public interface IExchange
{
    /// <summary>PAPER or LIVE, and where.</summary>
    ExchangeMode Mode { get; }

    /// <summary>Last price of a symbol; throws <see cref="ExchangeException"/> for an unknown symbol.</summary>
    Task<Ticker> GetTickerAsync(string symbol, OrderCategory category, CancellationToken ct);

    /// <summary>Trading rules of a symbol, or null when the venue does not list it.</summary>
    Task<InstrumentRules?> GetInstrumentAsync(string symbol, OrderCategory category, CancellationToken ct);

    /// <summary>Places an order at most once (idempotent on <see cref="OrderRequest.ClientOrderId"/>).</summary>
    Task<OrderResult> PlaceOrderAsync(OrderRequest order, CancellationToken ct);

    /// <summary>Cancels open orders: one by id, all on a symbol, or all.</summary>
    Task<CancelResult> CancelOrdersAsync(string? symbol, string? orderId, CancellationToken ct);

    /// <summary>
    /// Cancels every open order of every kind — linear and spot; normal, conditional (trigger) and TP/SL orders — with
    /// one request per order group the venue needs, and says per group what was cancelled or what failed. The killswitch
    /// lists the open orders again afterwards: this call alone proves nothing.
    /// </summary>
    Task<IReadOnlyList<CancelGroupResult>> CancelAllKindsAsync(CancellationToken ct);

    /// <summary>Open orders, optionally on one symbol.</summary>
    Task<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken ct);

    /// <summary>Open positions, optionally on one symbol.</summary>
    Task<IReadOnlyList<Position>> GetPositionsAsync(string? symbol, CancellationToken ct);

    /// <summary>Wallet balances and equity.</summary>
    Task<WalletSnapshot> GetWalletAsync(CancellationToken ct);
}

/// <summary>The fills path: where every execution, paper or live, is delivered.</summary>
public interface IExecutionSink
{
    /// <summary>Ingests executions (idempotent on exec id).</summary>
    Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct);
}
