using System.Collections.Concurrent;
using System.Net;
using AiTradingBot.Core.Ports;
using System.Text.Json;
using System.Text.Json.Nodes;
using Telegram.Bot;
using Telegram.Bot.Types;
using AiTradingBot.Telegram.Tests.Support;
using AiTradingBot.Telegram.Updates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

/// <summary>Polling against a fake that behaves like Telegram: getUpdates returns every update at or after the offset.</summary>
public sealed class PollingServiceTests : IDisposable
{
    private readonly ChannelHarness _h = new(new Dictionary<string, string?> { ["Telegram:PollIdleDelay"] = "00:00:00.020" });
    private readonly List<Update> _server = [];
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public PollingServiceTests()
    {
        _h.Api.Responder = (method, body) =>
        {
            if (method != "getUpdates") return null;
            var offset = body?["offset"]?.GetValue<long>() ?? 0;
            List<Update> pending;
            // Like Telegram: an offset confirms what is below it; after a renumbering the new ids are delivered anyway.
            lock (_server)
            {
                _server.RemoveAll(u => u.Id < offset && _delivered.Contains(u.Id));
                pending = _server.ToList();
                foreach (var u in pending) _delivered.Add(u.Id);
            }
            var json = JsonSerializer.SerializeToNode(pending, JsonBotAPI.Options)!;
            return FakeBotApi.Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["result"] = json });
        };
    }

    private readonly HashSet<int> _delivered = [];

    private void Arrive(int id, string text)
    {
        lock (_server) _server.Add(ChannelHarness.Message(id, ChannelHarness.Admin, text));
    }

    private TelegramPollingService NewInstance() => ActivatorUtilities.CreateInstance<TelegramPollingService>(_h.Get<IServiceProvider>());

    [Fact]
    public void Polling_mode_registers_the_poller() =>
        Assert.Contains(_h.Get<IEnumerable<IHostedService>>(), s => s is TelegramPollingService);

    [Fact]
    public async Task Each_update_is_handled_once_across_a_restart_because_the_offset_is_stored()
    {
        Arrive(10, "/sitrep");
        Arrive(11, "/balance");
        var first = NewInstance();
        await first.StartAsync(Ct);
        await Until(() => _h.Assistant.Messages.Count == 2);
        await first.StopAsync(Ct);
        Assert.Equal("12", await _h.Store.GetAsync(first.OffsetKey, Ct));

        Arrive(12, "/pnl");
        var second = NewInstance();
        await second.StartAsync(Ct);
        await Until(() => _h.Assistant.Messages.Count >= 3);
        await Task.Delay(200, Ct);
        await second.StopAsync(Ct);

        Assert.Equal(["/sitrep", "/balance", "/pnl"], _h.Assistant.Messages.Select(m => m.Text));
        Assert.Equal("13", await _h.Store.GetAsync(second.OffsetKey, Ct));
        Assert.Equal(13, _h.Api.CallsOf("getUpdates").Last()!["offset"]!.GetValue<long>());
    }

    [Fact]
    public async Task Update_ids_that_start_again_below_the_stored_offset_are_handled_not_dropped()
    {
        Arrive(500, "/sitrep");
        Arrive(501, "/balance");
        var poller = NewInstance();
        await poller.StartAsync(Ct);
        await Until(() => _h.Assistant.Messages.Count == 2);
        await Until(() => _h.Store.GetAsync(poller.OffsetKey, Ct).Result == "502");
        lock (_server) _delivered.Clear(); // Telegram forgot everything and numbers again from a lower id

        // 3 and 4 are new updates; 500 would be an old id again, so the ledger must not take 3 for anything seen.
        Arrive(3, "/pnl");
        Arrive(4, "/positions");
        await Until(() => _h.Assistant.Messages.Count == 4);
        await Until(() => _h.Store.GetAsync(poller.OffsetKey, Ct).Result == "5");
        Arrive(5, "/orders");
        await Until(() => _h.Assistant.Messages.Count == 5);
        await Task.Delay(200, Ct);
        await poller.StopAsync(Ct);

        Assert.Equal(["/sitrep", "/balance", "/pnl", "/positions", "/orders"], _h.Assistant.Messages.Select(m => m.Text));
        Assert.Contains(_h.Logs.Lines, l => l.Contains("below the stored offset 502"));
        Assert.Equal("6", await _h.Store.GetAsync(poller.OffsetKey, Ct));
    }

    [Fact]
    public async Task A_renumbering_that_reuses_ids_seen_before_still_gets_them_handled()
    {
        Arrive(1, "/sitrep");
        Arrive(2, "/balance");
        var poller = NewInstance();
        await poller.StartAsync(Ct);
        await Until(() => _h.Assistant.Messages.Count == 2);
        await Until(() => _h.Store.GetAsync(poller.OffsetKey, Ct).Result == "3");
        lock (_server) _delivered.Clear(); // a Bot API server restarted: ids from 1 again

        Arrive(1, "/pnl");
        await Until(() => _h.Assistant.Messages.Count == 3);
        await poller.StopAsync(Ct);

        Assert.Equal("/pnl", _h.Assistant.Messages.ElementAt(2).Text);
    }

    [Fact]
    public async Task Only_the_lease_holder_polls_and_the_other_takes_over_when_it_stops()
    {
        var first = NewInstance();
        var second = NewInstance();
        await first.StartAsync(Ct);
        await Until(() => _h.Logs.Lines.Any(l => l.Contains("Polling Telegram")));
        await second.StartAsync(Ct);
        await Until(() => _h.Logs.Lines.Any(l => l.Contains("Another instance holds the Telegram poll lease")));

        await first.StopAsync(Ct);
        Arrive(20, "/sitrep");
        await Until(() => _h.Assistant.Messages.Count == 1, seconds: 20);
        await second.StopAsync(Ct);

        Assert.Equal(2, _h.Logs.Lines.Count(l => l.Contains("Polling Telegram")));
        Assert.Null(await _h.Store.GetAsync(second.LeaseKey, Ct));
    }

    [Fact]
    public async Task A_lease_taken_over_by_another_instance_stops_this_one_before_its_next_poll()
    {
        var poller = NewInstance();
        await poller.StartAsync(Ct);
        await Until(() => _h.Api.CallsOf("getUpdates").Count >= 2);

        // The lease expired (a pause, a lost store connection) and another instance took it.
        await _h.Store.SetAsync(poller.LeaseKey, "other-instance", TimeSpan.FromMinutes(1), Ct);
        await Until(() => _h.Logs.Lines.Any(l => l.Contains("The Telegram poll lease was lost")));
        var polls = _h.Api.CallsOf("getUpdates").Count;
        await Task.Delay(400, Ct); // ~20 idle cycles of 20 ms if it still polled
        await poller.StopAsync(Ct);

        Assert.Equal(polls, _h.Api.CallsOf("getUpdates").Count);
        Assert.Equal("other-instance", await _h.Store.GetAsync(poller.LeaseKey, Ct)); // stopping does not release someone else's lease
    }

    [Fact]
    public async Task The_lease_is_only_taken_renewed_and_released_with_atomic_store_operations()
    {
        var store = new LeaseRecordingStore(_h.Store);
        var poller = ActivatorUtilities.CreateInstance<TelegramPollingService>(_h.Get<IServiceProvider>(), store);
        await poller.StartAsync(Ct);
        await Until(() => _h.Api.CallsOf("getUpdates").Count >= 3);
        await poller.StopAsync(Ct);

        var onLease = store.Operations.Where(o => o.Key == poller.LeaseKey).Select(o => o.Operation).ToList();
        Assert.Contains("SetIfNotExists", onLease);
        Assert.True(onLease.Count(o => o == "RenewIfValue") >= 3, "renewed before each poll: " + string.Join(", ", onLease));
        Assert.Equal("DeleteIfValue", onLease[^1]);
        Assert.All(onLease, o => Assert.Contains(o, new[] { "SetIfNotExists", "RenewIfValue", "DeleteIfValue" }));
        Assert.Null(await _h.Store.GetAsync(poller.LeaseKey, Ct));
    }

    [Fact]
    public async Task Without_the_store_nobody_polls_and_polling_resumes_when_it_answers()
    {
        var store = new LeaseRecordingStore(_h.Store) { Failing = true };
        var poller = ActivatorUtilities.CreateInstance<TelegramPollingService>(_h.Get<IServiceProvider>(), store);
        await poller.StartAsync(Ct);
        await Until(() => _h.Logs.Lines.Any(l => l.Contains("The Telegram poll lease cannot be checked")));
        await Task.Delay(200, Ct);
        Assert.Empty(_h.Api.CallsOf("getUpdates"));

        store.Failing = false;
        Arrive(30, "/sitrep");
        await Until(() => _h.Assistant.Messages.Count == 1, seconds: 30);
        await poller.StopAsync(Ct);
    }

    /// <summary>A store that records the operations on each key and can fail as a store that is down.</summary>
    private sealed class LeaseRecordingStore(IKeyValueStore inner) : IKeyValueStore
    {
        public ConcurrentQueue<(string Operation, string Key)> Operations { get; } = new();

        public volatile bool Failing;

        private IKeyValueStore Use(string operation, string key)
        {
            Operations.Enqueue((operation, key));
            return Failing ? throw new LiveStateUnavailableException("store down (test)") : inner;
        }

        public Task<string?> GetAsync(string key, CancellationToken ct) => Use("Get", key).GetAsync(key, ct);
        public Task SetAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) => Use("Set", key).SetAsync(key, value, ttl, ct);
        public Task<bool> SetIfNotExistsAsync(string key, string value, TimeSpan? ttl, CancellationToken ct) => Use("SetIfNotExists", key).SetIfNotExistsAsync(key, value, ttl, ct);
        public Task<string?> GetDeleteAsync(string key, CancellationToken ct) => Use("GetDelete", key).GetDeleteAsync(key, ct);
        public Task<bool> DeleteAsync(string key, CancellationToken ct) => Use("Delete", key).DeleteAsync(key, ct);
        public Task<long> IncrementAsync(string key, TimeSpan? ttlOnCreate, CancellationToken ct) => Use("Increment", key).IncrementAsync(key, ttlOnCreate, ct);
        public Task<IReadOnlyList<string>> KeysAsync(string prefix, CancellationToken ct) => Use("Keys", prefix).KeysAsync(prefix, ct);
        public Task<bool> RenewIfValueAsync(string key, string value, TimeSpan ttl, CancellationToken ct) => Use("RenewIfValue", key).RenewIfValueAsync(key, value, ttl, ct);
        public Task<bool> DeleteIfValueAsync(string key, string value, CancellationToken ct) => Use("DeleteIfValue", key).DeleteIfValueAsync(key, value, ct);
    }

    [Fact]
    public async Task Telegram_being_down_only_delays_polling()
    {
        _h.Api.Responder = (method, _) => method == "getUpdates" ? throw new HttpRequestException("Connection refused") : null;
        var poller = NewInstance();

        await poller.StartAsync(Ct);
        await Until(() => _h.Logs.Lines.Any(l => l.Contains("getUpdates failed")));
        await poller.StopAsync(Ct);

        Assert.Empty(_h.Assistant.Messages);
    }

    private static async Task Until(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met in time.");
            await Task.Delay(20, Ct);
        }
    }

    public void Dispose() => _h.Dispose();
}
