using System.ComponentModel;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans.Actions;

/// <summary>A chart image of equity or daily PnL.</summary>
[Action("portfolio.chart", Slash = "chart", SlashUsage = "[equity|pnl] [today|yesterday|week|month|all]")]
[Description("A chart image: the equity curve, or realized PnL per day net of fees (for one system when given).")]
public sealed record PortfolioChartArgs(
    [property: Description("equity or pnl.")] ChartKind Kind = ChartKind.Equity,
    [property: Description("today, yesterday, week, month or all.")] PnlPeriod Period = PnlPeriod.Week,
    [property: Description("Only this system's trades."), SystemRef] string? System = null) : ActionArgs;
