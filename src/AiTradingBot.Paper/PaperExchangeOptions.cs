using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Paper;

/// <summary>Paper trading (<c>Paper:</c>): starting balance, fees, price feed seed, where state is kept.</summary>
public sealed class PaperExchangeOptions
{
    /// <summary>USDT the paper account starts with.</summary>
    [Range(typeof(decimal), "1", "1000000000")] public decimal StartingBalance { get; set; } = 10_000m;

    /// <summary>Fee rate of orders that take liquidity (market, marketable limit, triggered).</summary>
    [Range(typeof(decimal), "0", "0.01")] public decimal TakerFeeRate { get; set; } = 0.00055m;

    /// <summary>Fee rate of resting limit orders that fill later.</summary>
    [Range(typeof(decimal), "0", "0.01")] public decimal MakerFeeRate { get; set; } = 0.0002m;

    /// <summary>Seed of the simulated price feed (same seed, same prices at the same time).</summary>
    public int Seed { get; set; } = 42;

    /// <summary>File the paper account is saved to; empty keeps it in memory only.</summary>
    public string? StateFile { get; set; }
}
