using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Trading;

/// <summary>
/// Average-price position accounting, pure. A fill that reduces a position realizes PnL on the reduced quantity;
/// one that crosses zero closes the old side and opens the new side at the fill price.
/// </summary>
public static class PositionAccounting
{
    /// <summary>The position after a fill, the realized PnL of the fill (before fees) and whether it closed any quantity.</summary>
    public static (decimal Qty, decimal AveragePrice, decimal RealizedPnl, bool Closing) Apply(decimal qty, decimal averagePrice, OrderSide side, decimal fillQty, decimal fillPrice)
    {
        var signed = side == OrderSide.Buy ? fillQty : -fillQty;
        if (qty == 0 || Math.Sign(qty) == Math.Sign(signed))
        {
            var newQty = qty + signed;
            var avg = (Math.Abs(qty) * averagePrice + fillQty * fillPrice) / Math.Abs(newQty);
            return (newQty, avg, 0m, false);
        }
        var closed = Math.Min(Math.Abs(qty), fillQty);
        var realized = closed * (fillPrice - averagePrice) * Math.Sign(qty);
        var remaining = qty + signed;
        if (remaining == 0) return (0m, 0m, realized, true);
        return Math.Sign(remaining) == Math.Sign(qty)
            ? (remaining, averagePrice, realized, true)
            : (remaining, fillPrice, realized, true);
    }

    /// <summary>Unrealized PnL of a signed position at a mark price.</summary>
    public static decimal Unrealized(decimal qty, decimal averagePrice, decimal markPrice) => qty * (markPrice - averagePrice);
}
