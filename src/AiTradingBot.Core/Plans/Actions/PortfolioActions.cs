using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using AiTradingBot.Core.Catalog;

namespace AiTradingBot.Core.Plans.Actions;

/// <summary>Wallet balances.</summary>
[Action("portfolio.balance", Slash = "balance")]
[Description("Wallet balances and equity.")]
public sealed record PortfolioBalanceArgs : ActionArgs;

/// <summary>Open positions.</summary>
[Action("portfolio.positions", Slash = "positions", SlashUsage = "[symbol]")]
[Description("Open positions with unrealized PnL.")]
public sealed record PortfolioPositionsArgs(
    [property: Description("Only the position on this symbol."), SymbolRef] string? Symbol = null) : ActionArgs;

/// <summary>Realized PnL over a period.</summary>
[Action("portfolio.pnl", Slash = "pnl", SlashUsage = "[today|yesterday|week|month|all]")]
[Description("Realized PnL, fees and win rate over a period, for all or one system.")]
public sealed record PortfolioPnlArgs(
    [property: Description("today, yesterday, week, month or all.")] PnlPeriod Period = PnlPeriod.Today,
    [property: Description("Only this system's trades."), SystemRef] string? System = null) : ActionArgs;

/// <summary>Recent fills.</summary>
[Action("portfolio.trades", Slash = "trades", SlashUsage = "[n]")]
[Description("Recent fills (trades).")]
public sealed record PortfolioTradesArgs(
    [property: Description("Only fills on this symbol."), SymbolRef] string? Symbol = null,
    [property: Description("Only this system's fills."), SystemRef] string? System = null,
    [property: Description("How many fills."), Range(1, 200)] int Limit = 10) : ActionArgs;

/// <summary>Last price.</summary>
[Action("market.price", Slash = "price", SlashUsage = "<symbol>")]
[Description("Last price and 24h change of a symbol.")]
public sealed record MarketPriceArgs(
    [property: Description("Exchange symbol, e.g. BTCUSDT."), SymbolRef] string Symbol) : ActionArgs;
