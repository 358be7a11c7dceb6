using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>The trading plugin: place and cancel orders, list them, close positions — over the exchange port.</summary>
public sealed class TradingStepHandler(IExchange exchange, IOrderJournal journal, IOptions<AssistantOptions> options) : IStepHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } = [typeof(OrderPlaceArgs), typeof(OrderCancelArgs), typeof(OrderListArgs), typeof(PositionCloseArgs)];

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct)
    {
        switch (args)
        {
            case OrderPlaceArgs a:
            {
                // Fresh market data at execution: a confirmation may come a minute after the card.
                var market = await MarketSnapshot.LoadAsync([new PlanStep(a)], exchange, ct).ConfigureAwait(false);
                var prepared = OrderPreparer.Prepare(a, market, options.Value.BotId, context.Reference, context.StepIndex);
                if (prepared.Request is null) throw new StepFailedException(prepared.Error!);
                var (result, journalProblem) = await SendJournaledAsync(exchange, journal, prepared.Request, ct).ConfigureAwait(false);
                if (!result.Accepted) throw new StepFailedException($"The exchange rejected the order: {result.RejectReason}" + (journalProblem is null ? "" : $" (recording the rejection failed: {journalProblem})"));
                return new OrderPlacedResult(prepared.Request, result, exchange.Mode, journalProblem);
            }
            case OrderCancelArgs { Symbol: null, OrderId: null }:
            {
                // "Cancel all" means every kind of order (conditional and TP/SL too), in every group the venue keeps apart.
                var groups = await exchange.CancelAllKindsAsync(ct).ConfigureAwait(false);
                var ids = groups.SelectMany(g => g.CancelledOrderIds).ToList();
                if (groups.Any(g => g.Error is not null))
                    throw new StepFailedException($"Cancelled {ids.Count} order(s), but {string.Join("; ", groups.Where(g => g.Error is not null).Select(g => $"{g.Group}: {g.Error}"))}. List the open orders and cancel the rest.");
                return new OrdersCancelledResult(null, ids, exchange.Mode);
            }
            case OrderCancelArgs a:
                return new OrdersCancelledResult(a.Symbol, (await exchange.CancelOrdersAsync(a.Symbol, a.OrderId, ct).ConfigureAwait(false)).CancelledOrderIds, exchange.Mode);
            case OrderListArgs a:
                return new OrderListResult(a.Symbol, await exchange.GetOpenOrdersAsync(a.Symbol, ct).ConfigureAwait(false), exchange.Mode);
            case PositionCloseArgs a:
            {
                var closed = await CloseAllAsync(exchange, a.Symbol, a.Percent, context, ct, journal, options.Value.BotId).ConfigureAwait(false);
                if (closed.Count > 0 && closed.All(c => c.Error is not null)) throw new StepFailedException(string.Join("; ", closed.Select(c => $"{c.Symbol}: {c.Error}")));
                return new PositionsClosedResult(closed, exchange.Mode);
            }
            default:
                throw new StepFailedException($"{args.GetType().Name} is not a trading action.");
        }
    }

    /// <summary>
    /// Sends an order journaled on both sides: a <c>Sending</c> row (with the client order id) before it goes out, so a
    /// crash mid-send leaves a trace to reconcile, and the venue's answer after. When recording the answer fails the
    /// order still stands: the caller gets the answer and the problem, never an "unexpected error" that invites a resend.
    /// </summary>
    public static async Task<(OrderResult Result, string? JournalProblem)> SendJournaledAsync(IExchange exchange, IOrderJournal journal, OrderRequest request, CancellationToken ct)
    {
        try
        {
            await journal.RecordAsync(request, OrderResult.Sending(request.ClientOrderId), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing has left: refusing is safe, and an order nobody could account for is not.
            throw new StepFailedException($"The order was not sent: the order journal could not record it first ({e.Message}).");
        }
        var result = await Telemetry.AiTradingBotTelemetry.PlaceOrderAsync(exchange, request, ct).ConfigureAwait(false);
        try
        {
            await journal.RecordAsync(request, result, CancellationToken.None).ConfigureAwait(false);
            return (result, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (result, e.Message);
        }
    }

    /// <summary>Closes a percentage of one or all positions with reduce-only market orders.</summary>
    public static async Task<IReadOnlyList<PositionCloseOutcome>> CloseAllAsync(IExchange exchange, string symbol, decimal percent, StepContext context, CancellationToken ct,
        IOrderJournal? journal = null, string botId = "manual")
    {
        var positions = await exchange.GetPositionsAsync(symbol == "all" ? null : symbol, ct).ConfigureAwait(false);
        var outcomes = new List<PositionCloseOutcome>();
        var n = 0;
        foreach (var p in positions.Where(p => p.Qty != 0))
        {
            try
            {
                var rules = await exchange.GetInstrumentAsync(p.Symbol, p.Category, ct).ConfigureAwait(false);
                var qty = Math.Abs(p.Qty) * percent / 100;
                if (rules is not null) qty = OrderSizer.RoundQty(qty, rules.QtyStep);
                if (qty <= 0)
                {
                    outcomes.Add(new PositionCloseOutcome(p.Symbol, 0, null, $"{percent}% of {PlanJson.Normalize(Math.Abs(p.Qty))} rounds down to nothing: the minimum order is {PlanJson.Normalize(rules?.MinQty ?? 0)} (step {PlanJson.Normalize(rules?.QtyStep ?? 0)})."));
                    continue;
                }
                var request = new OrderRequest(ClientOrderIds.Create(botId, "close", context.Reference, context.StepIndex * 100 + n++), botId, p.Symbol, p.Category,
                    p.Qty > 0 ? OrderSide.Sell : OrderSide.Buy, OrderType.Market, PlanJson.Normalize(qty), ReduceOnly: p.Category == OrderCategory.Linear);
                OrderResult result;
                // A close whose answer could not be journaled still closed: it is reported as closed (not resent).
                if (journal is null) result = await exchange.PlaceOrderAsync(request, ct).ConfigureAwait(false);
                else (result, _) = await SendJournaledAsync(exchange, journal, request, ct).ConfigureAwait(false);
                outcomes.Add(new PositionCloseOutcome(p.Symbol, request.Qty, result, result.Accepted ? null : result.RejectReason));
            }
            catch (Exception e) when (e is ExchangeException or StepFailedException)
            {
                outcomes.Add(new PositionCloseOutcome(p.Symbol, 0, null, e.Message));
            }
        }
        return outcomes;
    }
}
