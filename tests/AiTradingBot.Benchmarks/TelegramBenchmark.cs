using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Core;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Paper;
using AiTradingBot.Telegram;
using AiTradingBot.Telegram.Api;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// The Telegram channel under `run`-like load: 1,000 chats × 10 read-only messages through long polling against an
/// in-process Bot API stub that behaves like Telegram (getUpdates honours the offset, 100 updates a call, instant
/// answers), with the real core, paper exchange and demo systems. Latency is measured from the moment the core
/// gets a message to the moment its reply reaches the stub (rendering, chunking, Telegram.Bot's serializing and
/// client and our call policy included; Telegram's own time is zero here), plus the time from the update's delivery (queueing in the batch).
/// Pacing is off: with Telegram's 30 messages/s cap the run would only measure the cap. Args: [chats] [messages].
/// </summary>
public sealed class TelegramBenchmark : IBenchmark
{
    private static readonly string[] Commands = ["/sitrep", "/balance", "/pnl", "/positions", "/price btc", "/orders", "/trades", "/diagnostics", "/reports", "what's the price of eth"];

    /// <inheritdoc />
    public string Name => "telegram";

    /// <inheritdoc />
    public string Description => "Telegram channel: 1,000 chats x 10 read-only messages via polling a local Bot API stub; updates/s, p50/p99, RSS";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var chats = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
        var perChat = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var stub = new BotApiStub();
        var starts = new ConcurrentDictionary<long, ConcurrentQueue<long>>();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var config = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = "4242:bench-token",
            ["Telegram:AdminIds:0"] = "1",
            ["Telegram:ApiBaseUrl"] = "http://telegram.stub",
            ["Telegram:PollTimeoutSeconds"] = "0",
            ["Telegram:PollIdleDelay"] = "00:00:00.005",
            ["Telegram:MaxMessagesPerSecondPerChat"] = "0",
            ["Telegram:MaxMessagesPerSecond"] = "0",
            ["Telegram:SetCommands"] = "false",
            ["Storage:Ephemeral"] = "true",
        };
        for (var c = 0; c < chats; c++) config[$"Telegram:ViewerIds:{c}"] = (100_000 + c).ToString(CultureInfo.InvariantCulture);
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        builder.Services.AddAiTradingBotCore(builder.Configuration);
        builder.Services.AddAiTradingBotPaper(builder.Configuration);
        builder.Services.AddAiTradingBotTelegram(builder.Configuration);
        builder.Services.AddHttpClient(TelegramApi.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => stub);
        // Times the core's entry per chat, so the stub can pair it with that chat's reply.
        var core = builder.Services.Single(d => d.ServiceType == typeof(IAssistant));
        builder.Services.Remove(core);
        TimedAssistant? timed = null;
        builder.Services.AddSingleton<IAssistant>(sp => timed = new TimedAssistant((IAssistant)core.ImplementationFactory!(sp), starts));

        using var host = builder.Build();
        await host.StartAsync(ct);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var rssIdle = Rss();

        // Warm-up: JIT and first-use costs, not measured.
        stub.Load(Enumerable.Range(0, 50).Select(i => (100_000L + i, Commands[i % Commands.Length])));
        await stub.WaitForRepliesAsync(50, ct);
        stub.ResetCounters();
        starts.Clear();
        timed!.CoreMs.Clear();
        GC.Collect();
        await Task.Delay(500, ct);
        var rssBeforeLoad = Rss();

        var latencies = new ConcurrentBag<double>();
        var sojourns = new ConcurrentBag<double>();
        stub.OnReply = (chat, deliveredAt) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (starts.TryGetValue(chat, out var q) && q.TryDequeue(out var started)) latencies.Add(Stopwatch.GetElapsedTime(started, now).TotalMilliseconds);
            if (deliveredAt is { } d) sojourns.Add(Stopwatch.GetElapsedTime(d, now).TotalMilliseconds);
        };
        var total = chats * perChat;
        var load = new List<(long, string)>(total);
        for (var round = 0; round < perChat; round++)
            for (var c = 0; c < chats; c++) load.Add((100_000 + c, Commands[(c + round) % Commands.Length]));

        var peak = rssBeforeLoad;
        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss());
                try { await Task.Delay(50, sampling.Token); } catch (OperationCanceledException) { }
            }
        }, ct);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var gcPause = GC.GetTotalPauseDuration();
        var gcCounts = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var clock = Stopwatch.StartNew();
        stub.Load(load);
        await stub.WaitForRepliesAsync(total, ct);
        clock.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        gcPause = GC.GetTotalPauseDuration() - gcPause;
        gcCounts = (GC.CollectionCount(0) - gcCounts.Item1, GC.CollectionCount(1) - gcCounts.Item2, GC.CollectionCount(2) - gcCounts.Item3);
        await sampling.CancelAsync();
        await sampler;
        await host.StopAsync(ct);

        var sorted = latencies.OrderBy(x => x).ToArray();
        var queued = sojourns.OrderBy(x => x).ToArray();
        return new
        {
            chats,
            messagesPerChat = perChat,
            updates = total,
            repliesWithoutError = stub.Replies - stub.ErrorReplies,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 2),
            updatesPerSecond = Math.Round(total / clock.Elapsed.TotalSeconds, 0),
            cpuSeconds = Math.Round(cpu.TotalSeconds, 2),
            gc = new { pauseMs = Math.Round(gcPause.TotalMilliseconds, 1), gen0 = gcCounts.Item1, gen1 = gcCounts.Item2, gen2 = gcCounts.Item3 },
            threads = ThreadPool.ThreadCount,
            handlingMs = new { p50 = Pct(sorted, 0.50), p99 = Pct(sorted, 0.99), max = sorted.Length > 0 ? Math.Round(sorted[^1], 2) : 0, samples = sorted.Length },
            deliveryToReplyMs = new { p50 = Pct(queued, 0.50), p99 = Pct(queued, 0.99) },
            coreMsByCommand = timed.CoreMs.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(kv => kv.Key, kv =>
            {
                var v = kv.Value.OrderBy(x => x).ToArray();
                return new { p50 = Pct(v, 0.50), p99 = Pct(v, 0.99) };
            }),
            rssMb = new { idle = Mb(rssIdle), afterWarmup = Mb(rssBeforeLoad), peakUnderLoad = Mb(peak) },
            getUpdatesCalls = stub.Polls,
            targets = new { rssIdleMb = 100, rssLoadMb = 200, p99Ms = 20 },
            note = "Telegram.Bot 22.10 client; in-process Bot API stub (no network); pacing off; getUpdates returns at most 100 updates per call.",
        };
    }

    private static double Pct(double[] sorted, double p) => sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 2);

    private static long Rss()
    {
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 1);

    private sealed class TimedAssistant(IAssistant inner, ConcurrentDictionary<long, ConcurrentQueue<long>> starts) : IAssistant
    {
        public ConcurrentDictionary<string, ConcurrentBag<double>> CoreMs { get; } = new();

        public async Task<AssistantReply> HandleAsync(IncomingMessage message, CancellationToken ct)
        {
            var started = Stopwatch.GetTimestamp();
            starts.GetOrAdd(long.Parse(message.ChatId, CultureInfo.InvariantCulture), _ => new()).Enqueue(started);
            var reply = await inner.HandleAsync(message, ct);
            CoreMs.GetOrAdd(message.Text, _ => []).Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return reply;
        }

        public Task<AssistantReply> ConfirmAsync(ConfirmationRequest request, CancellationToken ct) => inner.ConfirmAsync(request, ct);

        public Task<AssistantReply> CancelAsync(ConfirmationRequest request, CancellationToken ct) => inner.CancelAsync(request, ct);
    }

    /// <summary>A Telegram-like Bot API in memory: updates at or after the offset, at most 100 per call.</summary>
    private sealed class BotApiStub : HttpMessageHandler
    {
        private readonly Lock _gate = new();
        private readonly List<(long Id, long Chat, string Text)> _updates = [];
        private readonly ConcurrentDictionary<long, ConcurrentQueue<long>> _delivered = new();
        private readonly Dictionary<long, long> _lastDelivered = [];
        private long _nextId = 1;
        private long _messageId;
        private int _replies;
        private int _errors;
        private int _polls;

        public Action<long, long?>? OnReply { get; set; }
        public int Replies => Volatile.Read(ref _replies);
        public int ErrorReplies => Volatile.Read(ref _errors);
        public int Polls => Volatile.Read(ref _polls);

        public void Load(IEnumerable<(long Chat, string Text)> messages)
        {
            lock (_gate)
                foreach (var (chat, text) in messages) _updates.Add((_nextId++, chat, text));
        }

        public void ResetCounters()
        {
            Interlocked.Exchange(ref _replies, 0);
            Interlocked.Exchange(ref _errors, 0);
            Interlocked.Exchange(ref _polls, 0);
            _delivered.Clear();
        }

        public async Task WaitForRepliesAsync(int count, CancellationToken ct)
        {
            var deadline = Stopwatch.StartNew();
            while (Replies < count)
            {
                if (deadline.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException($"Only {Replies} of {count} replies arrived.");
                await Task.Delay(5, ct);
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var path = request.RequestUri!.AbsolutePath;
            var method = path[(path.LastIndexOf('/') + 1)..];
            var body = request.Content is null ? null : JsonNode.Parse(await request.Content.ReadAsStringAsync(ct))?.AsObject();
            switch (method)
            {
                case "getUpdates":
                {
                    Interlocked.Increment(ref _polls);
                    var offset = body?["offset"]?.GetValue<long>() ?? 0;
                    var now = Stopwatch.GetTimestamp();
                    var date = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
                    var result = new JsonArray();
                    lock (_gate)
                    {
                        _updates.RemoveAll(u => u.Id < offset);
                        foreach (var u in _updates.Take(100))
                        {
                            // A redelivered update (not yet confirmed by the offset) is not timed twice.
                            if (!_lastDelivered.TryGetValue(u.Chat, out var last) || last < u.Id)
                            {
                                _lastDelivered[u.Chat] = u.Id;
                                _delivered.GetOrAdd(u.Chat, _ => new()).Enqueue(now);
                            }
                            result.Add(new JsonObject
                            {
                                ["update_id"] = u.Id,
                                ["message"] = new JsonObject
                                {
                                    ["message_id"] = u.Id,
                                    ["from"] = new JsonObject { ["id"] = u.Chat, ["is_bot"] = false, ["username"] = $"u{u.Chat}" },
                                    ["chat"] = new JsonObject { ["id"] = u.Chat, ["type"] = "private" },
                                    ["date"] = date,
                                    ["text"] = u.Text,
                                },
                            });
                        }
                    }
                    return Json(new JsonObject { ["ok"] = true, ["result"] = result });
                }
                case "sendMessage":
                {
                    var chat = body!["chat_id"]!.GetValue<long>();
                    if (body["text"]!.GetValue<string>().Contains("❌", StringComparison.Ordinal)) Interlocked.Increment(ref _errors);
                    long? deliveredAt = _delivered.TryGetValue(chat, out var q) && q.TryDequeue(out var d) ? d : null;
                    OnReply?.Invoke(chat, deliveredAt);
                    Interlocked.Increment(ref _replies);
                    return Json(new JsonObject
                    {
                        ["ok"] = true,
                        ["result"] = new JsonObject { ["message_id"] = Interlocked.Increment(ref _messageId), ["chat"] = new JsonObject { ["id"] = chat }, ["date"] = 0 },
                    });
                }
                case "getMe":
                    return Json(new JsonObject { ["ok"] = true, ["result"] = new JsonObject { ["id"] = 4242, ["is_bot"] = true, ["username"] = "BenchBot" } });
                default:
                    return Json(new JsonObject { ["ok"] = true, ["result"] = true });
            }
        }

        private static HttpResponseMessage Json(JsonNode node) =>
            new(HttpStatusCode.OK) { Content = new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json") };
    }
}
