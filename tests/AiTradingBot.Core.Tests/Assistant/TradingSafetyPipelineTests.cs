using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Tests.Support;
using AiTradingBot.Core.Trading;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Core.Tests.Assistant;

/// <summary>Issue 12 through the whole pipeline on the paper exchange: the halt holds, the killswitch leaves nothing, money math.</summary>
public sealed class TradingSafetyPipelineTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static CoreTestHost Host(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? decorate = null) =>
        new(new Dictionary<string, string?>(settings ?? []) { ["Launch:Templates:grid:Image"] = "localhost/tbot:1" }, decorate: decorate);

    private static async Task<AssistantReply> DoAsync(CoreTestHost host, string text)
    {
        var reply = await host.SayAsync(text);
        return reply.Card is null ? reply : await host.ConfirmAsync(reply.Card.Id);
    }

    [Fact]
    public async Task While_halted_one_reducing_sell_limit_passes_reduce_only_and_a_second_identical_one_is_refused()
    {
        await using var host = Host();
        Assert.Equal(0, (await DoAsync(host, "buy 0.02 btc")).ExitCode);
        Assert.Equal(0, (await host.SayAsync("/killswitch CONFIRM")).ExitCode);

        var first = await DoAsync(host, "sell 0.02 btc at 51000"); // 1.02 × last
        Assert.True(first.ExitCode == 0, string.Join(" | ", first.Messages));
        var resting = Assert.Single(await host.Get<IExchange>().GetOpenOrdersAsync(null, Ct));
        Assert.True(resting.ReduceOnly); // sent reduce-only, so the venue enforces it too

        var second = await host.SayAsync("sell 0.02 btc at 51000");
        Assert.Equal(4, second.ExitCode);
        Assert.Contains("halted", second.Messages[0]);
        Assert.Equal(4, (await host.SayAsync("buy 0.01 btc")).ExitCode);
        Assert.Single(await host.Get<IExchange>().GetOpenOrdersAsync(null, Ct));
    }

    [Fact]
    public async Task A_reducing_linear_order_is_sent_reduce_only_even_when_not_halted()
    {
        await using var host = Host();
        await DoAsync(host, "buy 0.02 btc");
        var sell = await DoAsync(host, "sell 0.01 btc");
        var placed = Assert.IsType<OrderPlacedResult>(sell.Outcome!.Steps[0].Result);
        Assert.True(placed.Request.ReduceOnly);
        Assert.False((await host.Get<IOrderJournal>().SinceAsync(DateTimeOffset.MinValue, Ct)).Single(o => o.Request.Side == AiTradingBot.Core.Plans.OrderSide.Buy).Request.ReduceOnly);
    }

    [Fact]
    public async Task Launching_a_bot_is_refused_while_halted()
    {
        await using var host = Host();
        await host.SayAsync("/killswitch CONFIRM");
        var launch = await host.SayAsync("/launch grid delta btc");
        Assert.Equal(4, launch.ExitCode);
        Assert.Contains("halted", launch.Messages[0]);
        await DoAsync(host, "/resume");
        Assert.Equal(ReplyKind.AwaitingConfirmation, (await host.SayAsync("/launch grid delta btc")).Kind);
    }

    [Fact]
    public async Task The_killswitch_cancels_every_kind_of_order_and_proves_the_book_empty()
    {
        await using var host = Host();
        await DoAsync(host, "buy 0.01 btc at 49000");
        await DoAsync(host, "buy 0.01 btc when it drops below 46000");
        await DoAsync(host, "buy 0.1 eth spot at 2900");
        Assert.Equal(3, (await host.Get<IExchange>().GetOpenOrdersAsync(null, Ct)).Count);

        var kill = await host.SayAsync("/killswitch CONFIRM");

        Assert.Equal(0, kill.ExitCode);
        var result = Assert.IsType<KillswitchResult>(kill.Outcome!.Steps[0].Result);
        Assert.Empty(result.OrdersLeft);
        Assert.Equal(3, result.CancelledOrderIds.Count);
        Assert.Contains(result.OrderGroups, g => g.Group.Contains("conditional") && g.CancelledOrderIds.Count == 1);
        Assert.Empty(await host.Get<IExchange>().GetOpenOrdersAsync(null, Ct));
    }

    [Fact]
    public async Task An_order_left_after_the_killswitch_is_reported_by_id_as_a_failure_and_admins_are_notified()
    {
        var channel = new CapturingChannel();
        await using var host = Host(decorate: s => { ForgetfulExchange.Wrap(s); s.AddSingleton<INotificationChannel>(channel); });
        await DoAsync(host, "buy 0.01 btc at 49000");
        await DoAsync(host, "buy 0.01 btc when it drops below 46000");
        var conditional = (await host.Get<IExchange>().GetOpenOrdersAsync(null, Ct)).Single(o => o.Trigger is not null);

        var kill = await host.SayAsync("/killswitch CONFIRM");

        Assert.Equal(1, kill.ExitCode); // a partial killswitch is a failure
        var step = kill.Outcome!.Steps[0];
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains(conditional.OrderId, step.Error);
        var result = Assert.IsType<KillswitchResult>(step.Result);
        Assert.Equal(conditional.OrderId, Assert.Single(result.OrdersLeft).OrderId);
        Assert.Contains(channel.Sent, n => n.Kind == NotificationKind.Killswitch && n.Text.Contains("PARTIAL FAILURE") && n.Text.Contains(conditional.OrderId));
        Assert.Contains(conditional.OrderId, new Rendering.ReplyRenderer(Rendering.PlainMarkup.Instance, host.Time).RenderOutcome(kill.Outcome));
        Assert.True(await host.Get<TradingHalt>().IsHaltedAsync(Ct));
    }

    [Fact]
    public async Task The_killswitch_with_close_positions_closes_them_with_reduce_only_market_orders_and_checks_again()
    {
        await using var host = Host();
        await DoAsync(host, "buy 0.02 btc");
        var kill = await host.SayAsync("/killswitch close CONFIRM");
        var result = Assert.IsType<KillswitchResult>(kill.Outcome!.Steps[0].Result);
        Assert.Equal(0, kill.ExitCode);
        Assert.Empty(result.PositionsLeft);
        Assert.True(Assert.Single(result.Closed).Result!.Accepted);
        Assert.Contains((await host.Get<IOrderJournal>().SinceAsync(DateTimeOffset.MinValue, Ct)), o => o.Request.ReduceOnly && o.Request.Type == AiTradingBot.Core.Plans.OrderType.Market);
    }

    [Fact]
    public async Task The_halt_is_durable_a_lost_cache_never_resumes_trading()
    {
        var log = new InMemoryHaltLog();
        await using (var first = Host(decorate: s => s.AddSingleton<IHaltLog>(log)))
            await first.SayAsync("/killswitch CONFIRM");

        // A second instance with an empty live-state store (a new Redis volume, a restart) shares only the relational store.
        await using var second = Host(decorate: s => s.AddSingleton<IHaltLog>(log));
        var buy = await second.SayAsync("buy 0.01 btc");
        Assert.Equal(4, buy.ExitCode);
        Assert.Contains("halted", buy.Messages[0]);

        await DoAsync(second, "/resume");
        var events = await log.RecentAsync(10, Ct);
        Assert.Equal([false, true], events.Select(e => e.Halted));
        Assert.All(events, e => Assert.Equal("alice", e.By));
        Assert.Contains("killswitch", events[1].Reason);
        Assert.Equal(ReplyKind.AwaitingConfirmation, (await second.SayAsync("buy 0.01 btc")).Kind);
    }

    [Fact]
    public async Task The_halt_cache_alone_does_not_decide()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var log = new InMemoryHaltLog();
        await new TradingHalt(log, new InMemoryKeyValueStore(time), time).HaltAsync("alice", "killswitch", Ct);
        Assert.True(await new TradingHalt(log, new InMemoryKeyValueStore(time), time).IsHaltedAsync(Ct));
    }

    private sealed class BrokenStore : IKeyValueStore
    {
        private static Exception Down() => new IOException("live-state store down");
        public Task<string?> GetAsync(string key, CancellationToken ct) => throw Down();
        public Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) => throw Down();
        public Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) => throw Down();
        public Task<string?> GetDeleteAsync(string key, CancellationToken ct) => throw Down();
        public Task<bool> DeleteAsync(string key, CancellationToken ct) => throw Down();
        public Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct) => throw Down();
        public Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct) => throw Down();
    }

    [Fact]
    public async Task With_the_cache_down_the_halt_is_read_from_the_durable_log()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        var log = new InMemoryHaltLog();
        var halt = new TradingHalt(log, new BrokenStore(), time);
        await Assert.ThrowsAsync<InvalidOperationException>(() => halt.HaltAsync("alice", "killswitch", Ct)); // loud, yet durable
        Assert.True(await halt.IsHaltedAsync(Ct));
        Assert.True((await log.LatestAsync(Ct))!.Halted);
    }

    [Fact]
    public async Task Two_cards_that_fit_the_limit_alone_but_not_together_execute_exactly_once()
    {
        RendezvousJournal? journal = null;
        await using var host = Host(
            new() { ["Risk:MaxOrderNotional"] = "15000", ["Risk:MaxPositionNotional"] = "20000", ["Risk:WarnAtPercentOfLimit"] = "100", ["Paper:StartingBalance"] = "100000" },
            s => s.AddSingleton<IOrderJournal>(sp => journal = new RendezvousJournal(new InMemoryOrderJournal(sp.GetRequiredService<TimeProvider>()))));
        var a = await host.SayAsync("buy 0.25 btc"); // 12,500 each, 25,000 together > 20,000
        var b = await host.SayAsync("buy 0.25 btc", chat: "chat-2");
        Assert.Equal(ReplyKind.AwaitingConfirmation, a.Kind);
        Assert.Equal(ReplyKind.AwaitingConfirmation, b.Kind);
        journal!.Armed = true;

        var replies = await Task.WhenAll(Task.Run(() => host.ConfirmAsync(a.Card!.Id)), Task.Run(() => host.ConfirmAsync(b.Card!.Id, chat: "chat-2")));

        Assert.True(1 == replies.Count(r => r.Kind == ReplyKind.Done && r.ExitCode == 0), string.Join("\n", replies.Select(r => $"{r.Kind}: {string.Join(" | ", r.Messages)} {string.Join(" | ", r.Outcome?.Steps.Select(s => s.Error) ?? [])}")));
        var refused = Assert.Single(replies, r => r.Kind == ReplyKind.Refused);
        Assert.Contains("Risk:MaxPositionNotional", refused.Messages[0]);
        Assert.Equal(0.25m, Assert.Single(await host.Get<IExchange>().GetPositionsAsync(null, Ct)).Qty);
    }

    [Fact]
    public async Task A_notional_order_is_sized_once_on_the_card_and_exactly_that_quantity_is_sent()
    {
        await using var host = Host();
        var card = await host.SayAsync("buy $1000 of eth");
        Assert.Contains("sends exactly 0.33 ETHUSDT", card.Card!.Lines[0].Text);
        host.Prices.Set("ETHUSDT", 3_100m); // 3.3%: within the band; re-sizing would give 0.32
        var done = await host.ConfirmAsync(card.Card.Id);
        Assert.Equal(0, done.ExitCode);
        Assert.Equal(0.33m, Assert.Single(await host.Get<IExchange>().GetPositionsAsync(null, Ct)).Qty);
    }

    [Fact]
    public async Task A_card_sized_order_is_refused_when_the_price_moved_beyond_the_band_since()
    {
        await using var host = Host();
        var card = await host.SayAsync("buy $1000 of eth");
        host.Prices.Set("ETHUSDT", 3_400m); // 13.3% > 10%
        var late = await host.ConfirmAsync(card.Card!.Id);
        Assert.Equal(4, late.ExitCode);
        Assert.Contains("send the order again", late.Messages[0]);
        Assert.Empty(await host.Get<IExchange>().GetPositionsAsync(null, Ct));
    }

    [Fact]
    public void A_fee_charged_in_the_base_coin_is_converted_to_the_quote_at_the_fill_price()
    {
        var spotBuy = new ExecutionReport("e1", "o1", null, "manual", "BTCUSDT", AiTradingBot.Core.Plans.OrderCategory.Spot, AiTradingBot.Core.Plans.OrderSide.Buy, 50_000m, 0.01m, 0.00001m, "BTC", DateTimeOffset.UnixEpoch);
        var inQuote = FillsPath.InQuote(spotBuy);
        Assert.Equal(0.5m, inQuote.Fee);
        Assert.Equal("USDT", inQuote.FeeCurrency);
        var usdt = spotBuy with { Fee = 0.275m, FeeCurrency = "USDT" };
        Assert.Equal(usdt, FillsPath.InQuote(usdt));
    }

    [Fact]
    public async Task Base_coin_fees_count_in_usdt_in_the_stored_fills()
    {
        await using var host = Host();
        await host.Get<IExecutionSink>().OnExecutionsAsync(
            [new ExecutionReport("e1", "o1", null, "manual", "BTCUSDT", AiTradingBot.Core.Plans.OrderCategory.Spot, AiTradingBot.Core.Plans.OrderSide.Buy, 50_000m, 0.01m, 0.00001m, "BTC", host.Time.GetUtcNow())], Ct);
        Assert.Equal(0.5m, Assert.Single(await host.Get<IFillStore>().QueryAsync(new FillQuery(), Ct)).Fee);
    }

    [Fact]
    public async Task Spot_and_linear_fills_on_one_symbol_keep_separate_positions_in_the_embedded_fill_store()
    {
        var store = new InMemoryFillStore();
        var spot = new ExecutionReport("e1", "o1", null, "manual", "BTCUSDT", AiTradingBot.Core.Plans.OrderCategory.Spot, AiTradingBot.Core.Plans.OrderSide.Buy, 50_000m, 0.1m, 0m, "USDT", DateTimeOffset.UnixEpoch);
        await store.IngestAsync([spot], Ct);
        var linear = await store.IngestAsync([spot with { ExecId = "e2", Category = AiTradingBot.Core.Plans.OrderCategory.Linear, Side = AiTradingBot.Core.Plans.OrderSide.Sell, Price = 51_000m }], Ct);
        Assert.False(Assert.Single(linear.NewFills).Closing);
        Assert.Equal(-0.1m, Assert.Single(linear.ChangedPositions).Qty);
    }

    [Fact]
    public void A_live_exchange_beside_demo_systems_refuses_to_start_naming_docker_endpoint()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Exchange:Provider"] = "bybit" }).Build();
        var e = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddAiTradingBotPaper(configuration));
        Assert.Contains("Docker:Endpoint", e.Message);
        var withRuntime = new ServiceCollection();
        withRuntime.AddSingleton<IContainerRuntime>(_ => throw new NotSupportedException());
        withRuntime.AddAiTradingBotPaper(configuration); // a real runtime registered first: allowed
        Assert.DoesNotContain(withRuntime, d => d.ImplementationType == typeof(DemoContainerRuntime));
    }
}
