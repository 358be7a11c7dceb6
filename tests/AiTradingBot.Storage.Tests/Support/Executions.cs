using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Storage.Tests.Support;

/// <summary>Execution reports for tests.</summary>
public static class Executions
{
    /// <summary>A fixed origin so tests read as a timeline.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 1, 14, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One execution.</summary>
    public static ExecutionReport Exec(string id, OrderSide side, decimal qty, decimal price, DateTimeOffset? time = null,
        string bot = "alpha", string symbol = "BTCUSDT", decimal fee = 0.1m, string? closeReason = null) =>
        new(id, "o-" + id, "c-" + id, bot, symbol, OrderCategory.Linear, side, price, qty, fee, "USDT", time ?? T0, closeReason);

    /// <summary>A buy.</summary>
    public static ExecutionReport Buy(string id, decimal qty, decimal price, DateTimeOffset? time = null, string bot = "alpha", string symbol = "BTCUSDT") =>
        Exec(id, OrderSide.Buy, qty, price, time, bot, symbol);

    /// <summary>A sell.</summary>
    public static ExecutionReport Sell(string id, decimal qty, decimal price, DateTimeOffset? time = null, string bot = "alpha", string symbol = "BTCUSDT") =>
        Exec(id, OrderSide.Sell, qty, price, time, bot, symbol);
}
