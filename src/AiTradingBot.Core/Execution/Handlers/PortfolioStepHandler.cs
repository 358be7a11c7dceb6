using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>The portfolio plugin: balances, positions, PnL and trades (from the fills store), prices.</summary>
public sealed class PortfolioStepHandler(IExchange exchange, IFillStore fills, TimeProvider time, IOptions<AssistantOptions> options) : IStepHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } =
        [typeof(PortfolioBalanceArgs), typeof(PortfolioPositionsArgs), typeof(PortfolioPnlArgs), typeof(PortfolioTradesArgs), typeof(MarketPriceArgs)];

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct) => args switch
    {
        PortfolioBalanceArgs => new BalanceResult(await exchange.GetWalletAsync(ct).ConfigureAwait(false), exchange.Mode),
        PortfolioPositionsArgs a => new PositionsResult(a.Symbol, await exchange.GetPositionsAsync(a.Symbol, ct).ConfigureAwait(false), exchange.Mode),
        PortfolioPnlArgs a => new PnlResult(await PnlAsync(a.Period, a.System, ct).ConfigureAwait(false)),
        PortfolioTradesArgs a => new TradesResult(await fills.QueryAsync(new FillQuery(Symbol: a.Symbol, BotId: a.System, Limit: a.Limit), ct).ConfigureAwait(false), a.Symbol, a.System),
        MarketPriceArgs a => new PriceResult(await exchange.GetTickerAsync(a.Symbol, OrderCategory.Linear, ct).ConfigureAwait(false), exchange.Mode),
        _ => throw new StepFailedException($"{args.GetType().Name} is not a portfolio action."),
    };

    /// <summary>Realized PnL, fees and win rate over a period in the configured time zone, in total and per system (bot).</summary>
    public async Task<PnlSummary> PnlAsync(PnlPeriod period, string? system, CancellationToken ct)
    {
        var zone = PnlPeriods.Zone(options.Value.TimeZone);
        var (from, to) = PnlPeriods.Range(period, time.GetUtcNow(), zone);
        var list = await fills.QueryAsync(new FillQuery(from, to, BotId: system), ct).ConfigureAwait(false);
        var perSystem = list.GroupBy(f => f.BotId).ToDictionary(g => g.Key, g => PnlFigures.Of(g), StringComparer.Ordinal);
        return new PnlSummary(period, from, to, zone.Id, system, PnlFigures.Of(list), perSystem);
    }
}
