using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Risk;

namespace AiTradingBot.Web.Api;

/// <summary>The portfolio summary shared by the overview page and <c>GET /portfolio/summary</c>: catalog reads plus the halt flag.</summary>
public sealed class PortfolioQueries(WebChannel channel, TradingHalt halt, IContainerRuntime runtime)
{
    /// <summary>Mode, equity, balances, open positions, today's PnL, halted.</summary>
    public async Task<PortfolioSummaryDto> SummaryAsync(Principal user, CancellationToken ct)
    {
        var balance = await channel.ReadAsync<BalanceResult>(user, new PortfolioBalanceArgs(), ct).ConfigureAwait(false);
        var positions = await channel.ReadAsync<PositionsResult>(user, new PortfolioPositionsArgs(), ct).ConfigureAwait(false);
        var pnl = await channel.ReadAsync<PnlResult>(user, new PortfolioPnlArgs(PnlPeriod.Today), ct).ConfigureAwait(false);
        var w = balance.Wallet;
        return new PortfolioSummaryDto(balance.Mode.Label, runtime.IsDemo, w.Equity, w.AvailableBalance, w.UnrealizedPnl,
            w.Coins.Select(c => new BalanceDto(c.Coin, c.WalletBalance, c.Available, c.UsdValue)).ToList(),
            positions.Positions.Count, pnl.Summary.Total.NetPnl, pnl.Summary.Total.Fees, await halt.IsHaltedAsync(ct).ConfigureAwait(false));
    }
}
