using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Execution.Handlers;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Tests.Support;
using AiTradingBot.Core.Trading;
using AiTradingBot.Paper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Core.Tests.Execution;

public sealed class OrderJournalBeforeSendTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private static readonly StepContext Context = new(new Principal("1", "alice", UserRole.Admin), "console", "c1", "REF1", 0);

    [Fact]
    public async Task The_journal_holds_a_sending_row_with_the_client_order_id_before_the_venue_is_called()
    {
        var journal = new FailingJournal(new InMemoryOrderJournal(_time));
        var exchange = new SpyExchange(Paper(), journal);
        var outcome = await Executor(exchange, journal).ExecuteAsync([new PlanStep(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.001m))], Context, _ct);

        Assert.Equal(StepStatus.Succeeded, outcome.Steps[0].Status);
        var seen = Assert.Single(exchange.JournalAtSend);
        Assert.Equal(OrderStatus.Sending, seen.Result.Status);
        Assert.Equal(exchange.Sent.Single().ClientOrderId, seen.Request.ClientOrderId);
        var final = Assert.Single(await journal.SinceAsync(DateTimeOffset.MinValue, _ct));
        Assert.Equal(OrderStatus.Filled, final.Result.Status);
    }

    [Fact]
    public async Task A_journal_failure_after_the_venue_accepted_reports_the_order_as_placed_with_its_id_and_the_problem()
    {
        var journal = new FailingJournal(new InMemoryOrderJournal(_time)) { FailAfterSend = true };
        var exchange = new SpyExchange(Paper(), journal);
        var outcome = await Executor(exchange, journal).ExecuteAsync([new PlanStep(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.001m))], Context, _ct);

        var step = outcome.Steps[0];
        Assert.Equal(StepStatus.Succeeded, step.Status);
        var placed = Assert.IsType<OrderPlacedResult>(step.Result);
        Assert.True(placed.Result.Accepted);
        Assert.Contains("disk full", placed.JournalProblem);
        var text = new ReplyRenderer(new PlainMarkup()).RenderOutcome(outcome);
        Assert.Contains(placed.Result.OrderId!, text);
        Assert.Contains("order journal failed: disk full", text);
        Assert.Contains("Do not send it again", text);
        Assert.DoesNotContain("Unexpected error", text);
        Assert.Single(exchange.Sent);
    }

    [Fact]
    public async Task When_the_journal_cannot_record_the_order_first_nothing_is_sent()
    {
        var journal = new FailingJournal(new InMemoryOrderJournal(_time)) { FailBeforeSend = true };
        var exchange = new SpyExchange(Paper(), journal);
        var outcome = await Executor(exchange, journal).ExecuteAsync([new PlanStep(new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.001m))], Context, _ct);

        Assert.Equal(StepStatus.Failed, outcome.Steps[0].Status);
        Assert.Contains("was not sent", outcome.Steps[0].Error);
        Assert.Empty(exchange.Sent);
    }

    private PaperExchange Paper() => new(new SettablePrices(), new NullSink(), _time, Options.Create(new PaperExchangeOptions()));

    private static PlanExecutor Executor(IExchange exchange, IOrderJournal journal) =>
        new([new TradingStepHandler(exchange, journal, Options.Create(new AssistantOptions()))], NullLogger<PlanExecutor>.Instance);

    private sealed class NullSink : IExecutionSink
    {
        public Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct) => Task.CompletedTask;
    }

    /// <summary>A journal that can fail before the send (first write) or after the venue answered (second write).</summary>
    private sealed class FailingJournal(IOrderJournal inner) : IOrderJournal
    {
        public bool FailBeforeSend { get; init; }
        public bool FailAfterSend { get; init; }

        public Task RecordAsync(OrderRequest request, OrderResult result, CancellationToken ct)
        {
            if (result.Status == OrderStatus.Sending ? FailBeforeSend : FailAfterSend) throw new IOException("disk full");
            return inner.RecordAsync(request, result, ct);
        }

        public Task<IReadOnlyList<JournaledOrder>> SinceAsync(DateTimeOffset since, CancellationToken ct) => inner.SinceAsync(since, ct);
    }

    /// <summary>Records what the journal held at the moment each order reached the venue.</summary>
    private sealed class SpyExchange(IExchange inner, IOrderJournal journal) : IExchange
    {
        public List<JournaledOrder> JournalAtSend { get; } = [];
        public List<OrderRequest> Sent { get; } = [];
        public ExchangeMode Mode => inner.Mode;
        public Task<Ticker> GetTickerAsync(string symbol, OrderCategory category, CancellationToken ct) => inner.GetTickerAsync(symbol, category, ct);
        public Task<InstrumentRules?> GetInstrumentAsync(string symbol, OrderCategory category, CancellationToken ct) => inner.GetInstrumentAsync(symbol, category, ct);

        public async Task<OrderResult> PlaceOrderAsync(OrderRequest order, CancellationToken ct)
        {
            JournalAtSend.AddRange((await journal.SinceAsync(DateTimeOffset.MinValue, ct)).Where(j => j.Request.ClientOrderId == order.ClientOrderId));
            Sent.Add(order);
            return await inner.PlaceOrderAsync(order, ct);
        }

        public Task<CancelResult> CancelOrdersAsync(string? symbol, string? orderId, CancellationToken ct) => inner.CancelOrdersAsync(symbol, orderId, ct);
        public Task<IReadOnlyList<CancelGroupResult>> CancelAllKindsAsync(CancellationToken ct) => inner.CancelAllKindsAsync(ct);
        public Task<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken ct) => inner.GetOpenOrdersAsync(symbol, ct);
        public Task<IReadOnlyList<Position>> GetPositionsAsync(string? symbol, CancellationToken ct) => inner.GetPositionsAsync(symbol, ct);
        public Task<WalletSnapshot> GetWalletAsync(CancellationToken ct) => inner.GetWalletAsync(ct);
    }
}
