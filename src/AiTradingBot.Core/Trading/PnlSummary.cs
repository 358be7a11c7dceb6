namespace AiTradingBot.Core.Trading;

/// <summary>Realized PnL of one group of fills (all, or one system).</summary>
public sealed record PnlFigures(decimal RealizedPnl, decimal Fees, int Fills, int ClosingFills, int Wins, int Losses)
{
    /// <summary>Realized PnL after fees.</summary>
    public decimal NetPnl => RealizedPnl - Fees;

    /// <summary>Winning closes over all closes, or null when nothing was closed.</summary>
    public decimal? WinRate => Wins + Losses == 0 ? null : (decimal)Wins / (Wins + Losses);

    /// <summary>Sums fills.</summary>
    public static PnlFigures Of(IEnumerable<Fill> fills)
    {
        decimal realized = 0, fees = 0;
        int count = 0, closing = 0, wins = 0, losses = 0;
        foreach (var f in fills)
        {
            count++;
            realized += f.RealizedPnl;
            fees += f.Fee;
            if (!f.Closing) continue;
            closing++;
            if (f.RealizedPnl > 0) wins++;
            else if (f.RealizedPnl < 0) losses++;
        }
        return new PnlFigures(realized, fees, count, closing, wins, losses);
    }
}

/// <summary>PnL over a period, in total and per system.</summary>
public sealed record PnlSummary(
    Plans.PnlPeriod Period,
    DateTimeOffset? From,
    DateTimeOffset To,
    string TimeZone,
    string? System,
    PnlFigures Total,
    IReadOnlyDictionary<string, PnlFigures> PerSystem);
