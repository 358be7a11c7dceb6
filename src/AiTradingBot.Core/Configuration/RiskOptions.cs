using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Core.Configuration;

/// <summary>Risk limits (<c>Risk:</c>). Every order that increases risk must pass all of them.</summary>
public sealed class RiskOptions
{
    /// <summary>Largest single order value in USDT.</summary>
    [Range(typeof(decimal), "0.01", "1000000000")] public decimal MaxOrderNotional { get; set; } = 5_000m;

    /// <summary>Largest position value per symbol in USDT after the order.</summary>
    [Range(typeof(decimal), "0.01", "1000000000")] public decimal MaxPositionNotional { get; set; } = 20_000m;

    /// <summary>Highest leverage accepted.</summary>
    [Range(1, 125)] public int MaxLeverage { get; set; } = 10;

    /// <summary>Symbols that may be traded; empty means any symbol the exchange lists.</summary>
    public List<string> AllowedSymbols { get; set; } = [];

    /// <summary>Most open orders at once.</summary>
    [Range(1, 10_000)] public int MaxOpenOrders { get; set; } = 20;

    /// <summary>Most orders sent per minute (all users).</summary>
    [Range(1, 10_000)] public int MaxOrdersPerMinute { get; set; } = 10;

    /// <summary>Realized loss (USDT, positive number) per day after which only risk-reducing orders pass.</summary>
    [Range(typeof(decimal), "0", "1000000000")] public decimal DailyLossLimit { get; set; } = 500m;

    /// <summary>Limit prices must lie within this percent of the last price (catches 4500 typed for 45000). A notional order
    /// sized on its card is also refused at confirmation when the price moved by more than this since.</summary>
    [Range(typeof(decimal), "0.1", "100")] public decimal PriceBandPercent { get; set; } = 10m;

    /// <summary>Trigger prices must lie within this percent of the last price: wider than the limit band, because a
    /// conditional order waits for a move ("buy when it drops below 45000"), yet 4500 for 45000 is still caught.</summary>
    [Range(typeof(decimal), "0.1", "1000")] public decimal TriggerBandPercent { get; set; } = 50m;

    /// <summary>How long a confirmation waits for another one on the same account to finish its risk check and order.</summary>
    [Range(1, 600)] public int AccountLockWaitSeconds { get; set; } = 30;

    /// <summary>Warn on the confirmation when an order uses more than this percent of a limit.</summary>
    [Range(typeof(decimal), "1", "100")] public decimal WarnAtPercentOfLimit { get; set; } = 80m;
}
