using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Tests.Support;
using AiTradingBot.Core.Trading;
using AiTradingBot.Paper;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Core.Tests.Paper;

public sealed class PaperExchangeTests
{
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    private readonly SettablePrices _prices = new();
    private readonly RecordingSink _sink = new();
    private int _n;

    private sealed class RecordingSink : IExecutionSink
    {
        public List<ExecutionReport> Executions { get; } = [];

        public Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
        {
            Executions.AddRange(executions);
            return Task.CompletedTask;
        }
    }

    private PaperExchange Create(string? stateFile = null) =>
        new(_prices, _sink, _time, Options.Create(new PaperExchangeOptions { StartingBalance = 10_000m, TakerFeeRate = 0.001m, MakerFeeRate = 0.0005m, StateFile = stateFile }));

    private OrderRequest Order(OrderSide side, decimal qty, OrderType type = OrderType.Market, decimal? price = null, OrderTrigger? trigger = null,
        bool reduceOnly = false, decimal? tp = null, decimal? sl = null, OrderCategory category = OrderCategory.Linear, string symbol = "BTCUSDT") =>
        new($"manual-order-T{_n++}-0", "manual", symbol, category, side, type, qty, price, trigger, tp, sl, null, reduceOnly);

    [Fact]
    public async Task A_market_buy_fills_at_the_last_price_and_pays_the_taker_fee()
    {
        var paper = Create();
        var result = await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.1m), CancellationToken.None);
        Assert.True(result.Accepted);
        Assert.Equal(OrderStatus.Filled, result.Status);
        Assert.Equal(50_000m, result.AveragePrice);
        var fill = Assert.Single(_sink.Executions);
        Assert.Equal(5m, fill.Fee); // 0.1 × 50,000 × 0.1%
        var wallet = await paper.GetWalletAsync(CancellationToken.None);
        Assert.Equal(9_995m, wallet.Equity);
    }

    [Fact]
    public async Task Closing_realizes_pnl_and_unrealized_pnl_follows_the_mark()
    {
        var paper = Create();
        await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.1m), CancellationToken.None);
        _prices.Set("BTCUSDT", 52_000m);
        var position = Assert.Single(await paper.GetPositionsAsync(null, CancellationToken.None));
        Assert.Equal(200m, position.UnrealizedPnl);
        await paper.PlaceOrderAsync(Order(OrderSide.Sell, 0.1m, reduceOnly: true), CancellationToken.None);
        Assert.Empty(await paper.GetPositionsAsync(null, CancellationToken.None));
        var wallet = await paper.GetWalletAsync(CancellationToken.None);
        Assert.Equal(10_000m + 200m - 5m - 5.2m, wallet.Equity);
    }

    [Fact]
    public async Task Resting_reduce_only_orders_together_may_not_exceed_the_position()
    {
        var paper = Create();
        await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.02m), CancellationToken.None);
        Assert.True((await paper.PlaceOrderAsync(Order(OrderSide.Sell, 0.02m, OrderType.Limit, 51_000m, reduceOnly: true), CancellationToken.None)).Accepted);
        var second = await paper.PlaceOrderAsync(Order(OrderSide.Sell, 0.02m, OrderType.Limit, 51_000m, reduceOnly: true), CancellationToken.None);
        Assert.False(second.Accepted);
        Assert.Contains("would exceed the position", second.RejectReason);
        // A market close still goes through beside it.
        var close = await paper.PlaceOrderAsync(Order(OrderSide.Sell, 0.01m, reduceOnly: true), CancellationToken.None);
        Assert.True(close.Accepted, close.RejectReason);
        await paper.CancelOrdersAsync(null, null, CancellationToken.None);
        Assert.True((await paper.PlaceOrderAsync(Order(OrderSide.Sell, 0.01m, OrderType.Limit, 51_000m, reduceOnly: true), CancellationToken.None)).Accepted);
        // The resting one still fills: it does not count against itself.
        _prices.Set("BTCUSDT", 51_500m);
        await paper.TickAsync(CancellationToken.None);
        Assert.Empty(await paper.GetPositionsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Cancelling_all_kinds_reports_each_group()
    {
        var paper = Create();
        await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.01m, OrderType.Limit, 49_000m), CancellationToken.None);
        await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.01m, trigger: new OrderTrigger(45_000m, TriggerDirection.Below)), CancellationToken.None);
        var groups = await paper.CancelAllKindsAsync(CancellationToken.None);
        Assert.Equal(4, groups.Count);
        Assert.Single(groups.Single(g => g.Group == "paper linear conditional orders").CancelledOrderIds);
        Assert.Single(groups.Single(g => g.Group == "paper linear normal orders").CancelledOrderIds);
        Assert.Empty(await paper.GetOpenOrdersAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Reduce_only_without_a_position_is_rejected_with_a_reason()
    {
        var result = await Create().PlaceOrderAsync(Order(OrderSide.Sell, 0.1m, reduceOnly: true), CancellationToken.None);
        Assert.False(result.Accepted);
        Assert.Contains("no BTCUSDT position", result.RejectReason);
        Assert.Empty(_sink.Executions);
    }

    [Fact]
    public async Task A_trigger_order_waits_and_fills_when_the_price_crosses_it()
    {
        var paper = Create();
        var result = await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.1m, trigger: new OrderTrigger(45_000m, TriggerDirection.Below)), CancellationToken.None);
        Assert.Equal(OrderStatus.Untriggered, result.Status);
        _prices.Set("BTCUSDT", 46_000m);
        await paper.TickAsync(CancellationToken.None);
        Assert.Empty(_sink.Executions);
        _prices.Set("BTCUSDT", 44_900m);
        await paper.TickAsync(CancellationToken.None);
        var fill = Assert.Single(_sink.Executions);
        Assert.Equal(44_900m, fill.Price);
        Assert.Empty(await paper.GetOpenOrdersAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task A_resting_limit_fills_at_its_price_with_the_maker_fee()
    {
        var paper = Create();
        await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.1m, OrderType.Limit, price: 49_000m), CancellationToken.None);
        Assert.Single(await paper.GetOpenOrdersAsync(null, CancellationToken.None));
        _prices.Set("BTCUSDT", 48_900m);
        await paper.TickAsync(CancellationToken.None);
        var fill = Assert.Single(_sink.Executions);
        Assert.Equal(49_000m, fill.Price);
        Assert.Equal(2.45m, fill.Fee);
    }

    [Fact]
    public async Task Take_profit_closes_the_position_when_reached()
    {
        var paper = Create();
        await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.1m, tp: 52_000m, sl: 48_000m), CancellationToken.None);
        _prices.Set("BTCUSDT", 52_100m);
        await paper.TickAsync(CancellationToken.None);
        Assert.Equal(2, _sink.Executions.Count);
        Assert.Equal("takeProfit", _sink.Executions[1].CloseReason);
        Assert.Empty(await paper.GetPositionsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task An_order_is_placed_at_most_once_per_client_order_id()
    {
        var paper = Create();
        var order = Order(OrderSide.Buy, 0.01m);
        await paper.PlaceOrderAsync(order, CancellationToken.None);
        var again = await paper.PlaceOrderAsync(order, CancellationToken.None);
        Assert.True(again.AlreadyExisted);
        Assert.Single(_sink.Executions);
    }

    [Fact]
    public async Task Spot_buys_hold_coins_and_spot_sells_need_them()
    {
        var paper = Create();
        Assert.False((await paper.PlaceOrderAsync(Order(OrderSide.Sell, 1m, category: OrderCategory.Spot, symbol: "ETHUSDT"), CancellationToken.None)).Accepted);
        Assert.True((await paper.PlaceOrderAsync(Order(OrderSide.Buy, 1m, category: OrderCategory.Spot, symbol: "ETHUSDT"), CancellationToken.None)).Accepted);
        var wallet = await paper.GetWalletAsync(CancellationToken.None);
        Assert.Contains(wallet.Coins, c => c.Coin == "ETH" && c.WalletBalance == 1m);
        Assert.Empty(await paper.GetPositionsAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task Orders_beyond_the_margin_are_rejected()
    {
        var result = await Create().PlaceOrderAsync(Order(OrderSide.Buy, 1m), CancellationToken.None);
        Assert.False(result.Accepted);
        Assert.Contains("Insufficient margin", result.RejectReason);
    }

    [Fact]
    public async Task The_account_is_kept_across_restarts()
    {
        var file = Path.Combine(Path.GetTempPath(), $"paper-{Guid.NewGuid():N}.json");
        try
        {
            await Create(file).PlaceOrderAsync(Order(OrderSide.Buy, 0.1m), CancellationToken.None);
            var reopened = Create(file);
            var position = Assert.Single(await reopened.GetPositionsAsync(null, CancellationToken.None));
            Assert.Equal(0.1m, position.Qty);
            Assert.Equal(9_995m, (await reopened.GetWalletAsync(CancellationToken.None)).Equity);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Paper_fills_go_through_the_fills_path_with_realized_pnl()
    {
        var store = new InMemoryFillStore();
        var paper = new PaperExchange(_prices, new Core.Execution.FillsPath(store, new NullPositionPublisher(),
            new Core.Notifications.NotificationHub([], Options.Create(new Core.Notifications.NotificationOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<Core.Notifications.NotificationHub>.Instance)),
            _time, Options.Create(new PaperExchangeOptions()));
        await paper.PlaceOrderAsync(Order(OrderSide.Buy, 0.1m), CancellationToken.None);
        _prices.Set("BTCUSDT", 51_000m);
        await paper.PlaceOrderAsync(Order(OrderSide.Sell, 0.1m), CancellationToken.None);
        var fills = await store.QueryAsync(new FillQuery(), CancellationToken.None);
        Assert.Equal(2, fills.Count);
        Assert.Equal(100m, fills[0].RealizedPnl);
        Assert.True(fills[0].Closing);
    }

    [Fact]
    public void The_simulated_feed_is_deterministic_for_a_seed()
    {
        var at = new DateTimeOffset(2026, 11, 20, 12, 34, 0, TimeSpan.Zero);
        Assert.Equal(new SimulatedPriceFeed(7).PriceAt("BTCUSDT", at), new SimulatedPriceFeed(7).PriceAt("BTCUSDT", at));
        Assert.NotEqual(new SimulatedPriceFeed(7).PriceAt("BTCUSDT", at), new SimulatedPriceFeed(8).PriceAt("BTCUSDT", at));
        Assert.Null(new SimulatedPriceFeed(7).PriceAt("NOPEUSDT", at));
    }
}
