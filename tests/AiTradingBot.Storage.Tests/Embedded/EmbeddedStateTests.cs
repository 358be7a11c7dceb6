using System.Collections.Concurrent;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Paper;
using AiTradingBot.Storage.Embedded;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Storage.Tests.Embedded;

/// <summary>
/// The embedded database as several processes use it: each <see cref="EmbeddedDatabase"/> instance here has its own
/// connections and migration, like a separate process on the same data folder.
/// </summary>
public sealed class EmbeddedStateTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "atb-embedded-" + Guid.NewGuid().ToString("N"));
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private EmbeddedDatabase Process(TimeProvider? time = null) => new(_dir, time ?? TimeProvider.System);

    [Fact]
    public async Task A_lock_is_held_by_exactly_one_process_and_counters_lose_no_increment()
    {
        var stores = Enumerable.Range(0, 4).Select(_ => new SqliteKeyValueStore(Process())).ToList();
        var winners = await Task.WhenAll(stores.Select(s => Task.Run(() => s.SetIfNotExistsAsync("lock:account:paper", Guid.NewGuid().ToString(), TimeSpan.FromMinutes(1), _ct), _ct)));
        Assert.Equal(1, winners.Count(w => w));

        await Task.WhenAll(stores.SelectMany(s => Enumerable.Range(0, 10).Select(_ => Task.Run(() => s.IncrementAsync("orders:minute", TimeSpan.FromMinutes(1), _ct), _ct))));
        Assert.Equal("40", await stores[0].GetAsync("orders:minute", _ct));

        // Single use across processes: one taker gets the token.
        await stores[1].SetAsync("confirm:abc", "plan", TimeSpan.FromMinutes(2), _ct);
        var taken = await Task.WhenAll(stores.Select(s => Task.Run(() => s.GetDeleteAsync("confirm:abc", _ct), _ct)));
        Assert.Single(taken, t => t == "plan");
    }

    [Fact]
    public async Task A_lease_is_renewed_and_released_only_by_its_holder_across_processes()
    {
        var time = new MovableTime(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var first = new SqliteKeyValueStore(Process(time));
        var second = new SqliteKeyValueStore(Process(time));
        IKeyValueStore a = first, b = second;

        Assert.True(await a.SetIfNotExistsAsync("lease:poll", "A", TimeSpan.FromSeconds(30), _ct));
        Assert.False(await b.RenewIfValueAsync("lease:poll", "B", TimeSpan.FromSeconds(30), _ct));
        Assert.False(await b.DeleteIfValueAsync("lease:poll", "B", _ct));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.True(await a.RenewIfValueAsync("lease:poll", "A", TimeSpan.FromSeconds(30), _ct));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal("A", await b.GetAsync("lease:poll", _ct)); // renewed: 40 s after taking it, still A's

        // Expired: A can neither renew nor release it, and B takes it; A's late release leaves B's lease alone.
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.False(await a.RenewIfValueAsync("lease:poll", "A", TimeSpan.FromSeconds(30), _ct));
        Assert.True(await b.SetIfNotExistsAsync("lease:poll", "B", TimeSpan.FromSeconds(30), _ct));
        Assert.False(await a.DeleteIfValueAsync("lease:poll", "A", _ct));
        Assert.Equal("B", await a.GetAsync("lease:poll", _ct));
        Assert.True(await b.DeleteIfValueAsync("lease:poll", "B", _ct));
        Assert.Null(await a.GetAsync("lease:poll", _ct));
    }

    [Fact]
    public async Task A_write_in_one_process_is_seen_by_another_at_once_and_expiry_follows_the_clock()
    {
        var time = new MovableTime(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var ask = new SqliteKeyValueStore(Process(time));
        var run = new SqliteKeyValueStore(Process(time));
        await ask.SetAsync("halt", "killswitch by alice", null, _ct);
        Assert.Equal("killswitch by alice", await run.GetAsync("halt", _ct));
        await ask.SetAsync("token:x", "1", TimeSpan.FromSeconds(30), _ct);
        Assert.Equal(["halt", "token:x"], await run.KeysAsync("", _ct));
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(await run.GetAsync("token:x", _ct));
        Assert.True(await run.SetIfNotExistsAsync("token:x", "2", null, _ct));
        Assert.True(await ask.DeleteAsync("halt", _ct));
        Assert.Null(await run.GetAsync("halt", _ct));
    }

    [Fact]
    public async Task The_json_files_of_earlier_versions_are_imported_once_and_renamed()
    {
        Directory.CreateDirectory(_dir);
        await File.WriteAllTextAsync(Path.Combine(_dir, "live-state.json"), """{"telegram:offset":"42"}""", _ct);
        await File.WriteAllTextAsync(Path.Combine(_dir, "paper-account.json"), """{"cash":1234.5}""", _ct);
        var store = new SqliteKeyValueStore(Process());
        Assert.Equal("42", await store.GetAsync("telegram:offset", _ct));
        Assert.False(File.Exists(Path.Combine(_dir, "live-state.json")));
        Assert.True(File.Exists(Path.Combine(_dir, "live-state.json.imported")));
        Assert.True(File.Exists(Path.Combine(_dir, "paper-account.json.imported")));
        var paper = PaperOn(Process(), new ConcurrentBag<ExecutionReport>());
        Assert.Equal(1234.5m, (await paper.GetWalletAsync(_ct)).AvailableBalance);

        // A later file with the same name is not imported again over newer state.
        await store.SetAsync("telegram:offset", "43", null, _ct);
        Assert.Equal("43", await new SqliteKeyValueStore(Process()).GetAsync("telegram:offset", _ct));
    }

    [Fact]
    public async Task Two_processes_trading_one_paper_account_lose_no_order_and_every_fill_reaches_the_fill_store_once()
    {
        var delivered = new ConcurrentBag<ExecutionReport>();
        var a = PaperOn(Process(), delivered);
        var b = PaperOn(Process(), delivered);
        var orders = Enumerable.Range(0, 20).Select(i => new OrderRequest($"manual-order-T{i}-0", "manual", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Market, 0.001m)).ToList();
        var results = await Task.WhenAll(orders.Select((o, i) => Task.Run(() => (i % 2 == 0 ? a : b).PlaceOrderAsync(o, _ct), _ct)));
        Assert.All(results, r => Assert.True(r.Accepted, r.RejectReason));
        Assert.Equal(20, results.Select(r => r.OrderId).Distinct().Count());

        var position = Assert.Single(await b.GetPositionsAsync("BTCUSDT", _ct));
        Assert.Equal(0.020m, position.Qty);
        // Each fill is delivered from the outbox; a fill may be handed over by both processes, never lost, ids unique.
        var ids = delivered.Select(f => f.ExecId).Distinct().ToList();
        Assert.Equal(20, ids.Count);
        Assert.Empty(await new SqlitePaperAccountStore(Process()).PendingFillsAsync(_ct));

        // The same client order id from the other process is not placed twice.
        var again = await a.PlaceOrderAsync(orders[1], _ct);
        Assert.True(again.AlreadyExisted);
    }

    [Fact]
    public async Task A_fill_the_fill_store_refused_stays_in_the_outbox_and_is_delivered_later()
    {
        var sink = new FlakySink { Failing = true };
        var paper = new PaperExchange(new SimulatedPriceFeed(7), sink, TimeProvider.System, Options.Create(new PaperExchangeOptions()), new SqlitePaperAccountStore(Process()));
        var placed = await paper.PlaceOrderAsync(new OrderRequest("manual-order-OUTBOX-0", "manual", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Market, 0.001m), _ct);
        Assert.True(placed.Accepted);
        Assert.Empty(sink.Stored);
        var pending = Assert.Single(await new SqlitePaperAccountStore(Process()).PendingFillsAsync(_ct));
        Assert.Equal(placed.OrderId, pending.Fill.OrderId);

        sink.Failing = false;
        await paper.DeliverPendingAsync(_ct);
        Assert.Equal(pending.Fill.ExecId, Assert.Single(sink.Stored).ExecId);
        Assert.Empty(await new SqlitePaperAccountStore(Process()).PendingFillsAsync(_ct));
    }

    [Fact]
    public async Task Fill_ids_stay_unique_after_the_account_is_reset()
    {
        var delivered = new ConcurrentBag<ExecutionReport>();
        var first = await PaperOn(Process(), delivered).PlaceOrderAsync(new OrderRequest("manual-order-R1-0", "manual", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Market, 0.001m), _ct);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        var second = await PaperOn(Process(), delivered).PlaceOrderAsync(new OrderRequest("manual-order-R2-0", "manual", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, OrderType.Market, 0.001m), _ct);
        Assert.Equal(first.OrderId, second.OrderId); // the account's own sequence restarted …
        Assert.Equal(2, delivered.Select(f => f.ExecId).Distinct().Count()); // … but the fills never collide
    }

    private static PaperExchange PaperOn(EmbeddedDatabase database, ConcurrentBag<ExecutionReport> delivered) =>
        new(new SimulatedPriceFeed(7), new BagSink(delivered), TimeProvider.System, Options.Create(new PaperExchangeOptions()), new SqlitePaperAccountStore(database));

    private sealed class BagSink(ConcurrentBag<ExecutionReport> bag) : IExecutionSink
    {
        public Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
        {
            foreach (var e in executions) bag.Add(e);
            return Task.CompletedTask;
        }
    }

    private sealed class FlakySink : IExecutionSink
    {
        public bool Failing { get; set; }
        public List<ExecutionReport> Stored { get; } = [];

        public Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
        {
            if (Failing) throw new IOException("fill store down");
            Stored.AddRange(executions);
            return Task.CompletedTask;
        }
    }

    private sealed class MovableTime(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public void Advance(TimeSpan by) => _now += by;
        public override DateTimeOffset GetUtcNow() => _now;
    }
}
