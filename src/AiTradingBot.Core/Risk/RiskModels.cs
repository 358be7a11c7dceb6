using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Risk;

/// <summary>The account as risk sees it when the plan is checked.</summary>
public sealed record AccountSnapshot(
    IReadOnlyList<Position> Positions,
    int OpenOrders,
    int OrdersLastMinute,
    decimal RealizedPnlToday,
    decimal Equity,
    bool Halted)
{
    /// <summary>An empty account (plans without trading steps).</summary>
    public static AccountSnapshot Empty { get; } = new([], 0, 0, 0m, 0m, false);

    /// <summary>The resting and conditional orders: they count towards exposure (a resting sell of a long is already "spent" reduction).</summary>
    public IReadOnlyList<OpenOrder> Resting { get; init; } = [];
}

/// <summary>How one order step was classified and sized.</summary>
public sealed record OrderAssessment(int StepIndex, string Symbol, decimal EstimatedNotional, bool IncreasesRisk);

/// <summary>
/// Allow or deny, with reasons and warnings. A deny is final: no confirmation overrides it.
/// </summary>
public sealed record RiskDecision(bool Allowed, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings, IReadOnlyList<OrderAssessment> Orders)
{
    /// <summary>Estimated total notional of the plan's orders, or null when it has none.</summary>
    public decimal? EstimatedNotional => Orders.Count == 0 ? null : Orders.Sum(o => o.EstimatedNotional);

    /// <summary>True when the daily loss limit is what denied (for the notification).</summary>
    public bool LossLimitTripped { get; init; }
}
