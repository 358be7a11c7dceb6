using System.Net;
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
