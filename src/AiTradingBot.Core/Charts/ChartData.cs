using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Charts;

/// <summary>One point of an equity curve (local time of the configured zone).</summary>
public sealed record EquityPoint(DateTimeOffset Time, decimal Equity);

/// <summary>Realized PnL of one local day, net of fees.</summary>
public sealed record DailyPnl(DateOnly Day, decimal NetPnl, int Fills);

/// <summary>
/// Everything a renderer needs to draw a chart, already computed and labelled by the core, so every adapter draws
/// the same figures with the same words. <see cref="Equity"/> is filled for <see cref="ChartKind.Equity"/>,
/// <see cref="Days"/> for <see cref="ChartKind.Pnl"/>.
/// </summary>
public sealed record ChartData(
    ChartKind Kind,
    PnlPeriod Period,
    string? System,
    DateTimeOffset From,
    DateTimeOffset To,
    TimeZoneInfo Zone,
    ExchangeMode Mode,
    string Currency,
    int Fills,
    IReadOnlyList<EquityPoint> Equity,
    IReadOnlyList<DailyPnl> Days)
{
    /// <summary>Text drawn on an empty chart.</summary>
    public const string EmptyText = "No trades in this period";

    /// <summary>True when no fill falls in the period.</summary>
    public bool IsEmpty => Fills == 0;

    /// <summary>"this week", "today", "all time"…</summary>
    public string PeriodLabel => Period switch
    {
        PnlPeriod.Today => "today",
        PnlPeriod.Yesterday => "yesterday",
        PnlPeriod.Week => "this week",
        PnlPeriod.Month => "this month",
        _ => "all time",
    };

    /// <summary>The title: what, whose, when, and PAPER or LIVE so a paper chart cannot pass for live.</summary>
    public string Title
    {
        get
        {
            var what = (Kind, System) switch
            {
                (ChartKind.Equity, null) => "Account equity",
                (ChartKind.Equity, var s) => $"{s}: cumulative net PnL",
                (_, null) => "Realized PnL per day (net of fees)",
                (_, var s) => $"{s}: realized PnL per day (net of fees)",
            };
            return $"{what} · {PeriodLabel} · {Mode.Label}";
        }
    }

    /// <summary>Y axis label with the unit.</summary>
    public string YLabel => Kind == ChartKind.Equity && System is null ? $"Equity ({Currency})" : $"Net PnL ({Currency})";

    /// <summary>X axis label with the zone.</summary>
    public string XLabel => Kind == ChartKind.Equity ? $"Time ({Zone.Id})" : $"Day ({Zone.Id})";
}
