using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Bybit;
using AiTradingBot.Core;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using AiTradingBot.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Bybit adapter. (1) Order path overhead without network: the core's plan validation, risk evaluation and order
/// preparation (notional → qty, rounding), then the adapter's order checks, body building and HMAC signing; p50/p99
/// per order. (2) Private WebSocket execution message → fill committed in PostgreSQL through the real listener,
/// the core's fills path and the storage adapter's store: latency percentiles and sustained messages/s at a paced
/// rate. Args: [rate msgs/s (1000)] [seconds (10)] [connection string (ATB_TEST_POSTGRES)].
/// </summary>
public sealed class BybitBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "bybit";

    /// <inheritdoc />
    public string Description => "Bybit order path overhead (validate+risk+round+build+sign) p99; WS execution → PostgreSQL fill p99 and msgs/s";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var rate = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var admin = args.Length > 2 ? args[2] : Environment.GetEnvironmentVariable("ATB_TEST_POSTGRES");
        var orderPath = OrderPath(100_000);
        // The same stream into the in-process store: the adapter's own share of the latency.
        var inProcess = await StreamAsync(new() { ["Storage:Ephemeral"] = "true" }, rate, seconds, ct);
        object fills = string.IsNullOrWhiteSpace(admin)
            ? new { error = "No PostgreSQL: set ATB_TEST_POSTGRES (scripts/servers/postgres.sh start writes it) or pass a connection string as the third argument." }
            : await FillsAsync(admin, rate, seconds, ct);
        return new { orderPath, executionToFill = fills, executionToInProcessStore = inProcess, loadAverage = LoadAverage() };
    }

    // ------------------------------------------------------------------ order path

    private static object OrderPath(int iterations)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" }).Build();
        using var services = new ServiceCollection().AddLogging().AddAiTradingBotCore(configuration).BuildServiceProvider();
        var validator = services.GetRequiredService<PlanValidator>();
        var limits = services.GetRequiredService<RiskOptions>();
        var systems = services.GetRequiredService<SystemRegistry>();
        var rules = new InstrumentRules("BTCUSDT", OrderCategory.Linear, 0.001m, 0.001m, 5m, 0.1m, 100);
        var market = new MarketSnapshot(
            new Dictionary<string, Ticker> { ["BTCUSDT"] = new("BTCUSDT", 60_123.4m, 1.2m, 61_000m, 59_000m, DateTimeOffset.UtcNow) },
            new Dictionary<string, InstrumentRules> { ["BTCUSDT"] = rules },
            new Dictionary<string, string>());
        var account = new AccountSnapshot([new Position("ETHUSDT", OrderCategory.Linear, 1m, 3_000m, 3_010m, 10m, 5)], 2, 1, 0m, 10_000m, false);
        var signer = new BybitSigner("benchmark-secret-0123456789");
        var shapes = new PlanStep[]
        {
            new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Notional: 500m),
            new OrderPlaceArgs("BTCUSDT", OrderSide.Sell, OrderType.Limit, Qty: 0.0123m, Price: 60_500.17m, TakeProfit: 58_000m, StopLoss: 61_000m, Leverage: 5),
            new OrderPlaceArgs("BTCUSDT", OrderSide.Buy, Qty: 0.01m, Trigger: new OrderTrigger(61_000m, TriggerDirection.Above)),
        };

        var total = new long[iterations];
        var core = new long[iterations];
        var adapter = new long[iterations];
        var refused = 0;
        for (var i = -20_000; i < iterations; i++) // the first 20,000 warm up (JIT, tiering)
        {
            IReadOnlyList<PlanStep> steps = [shapes[(i & int.MaxValue) % shapes.Length]];
            var t0 = Stopwatch.GetTimestamp();
            var validation = validator.Validate(steps, market);
            var risk = RiskEngine.Evaluate(steps, account, market, limits, systems, live: true);
            var prepared = OrderPreparer.Prepare((OrderPlaceArgs)steps[0].Args, market, "alpha", "K7Q2MXPA", i & 7);
            var t1 = Stopwatch.GetTimestamp();
            var request = prepared.Request!;
            var problem = BybitOrderBuilder.Validate(request, rules, 60_123.4m);
            var body = BybitOrderBuilder.BuildCreateBody(request);
            var signature = signer.SignRest(1_700_000_000_000 + i, "benchmark-key", 5000, body);
            var t2 = Stopwatch.GetTimestamp();
            if (!validation.IsValid || !risk.Allowed || problem is not null || signature.Length != 64) refused++;
            if (i < 0) continue;
            total[i] = t2 - t0;
            core[i] = t1 - t0;
            adapter[i] = t2 - t1;
        }
        return new
        {
            measured = "core PlanValidator + RiskEngine + OrderPreparer (size, round), then BybitOrderBuilder.Validate + BuildCreateBody + BybitSigner.SignRest; no network",
            orders = iterations,
            shapes = "market by notional; limit with TP/SL and leverage; conditional above",
            refusedOrDenied = refused,
            totalMicros = Percentiles(total),
            coreMicros = Percentiles(core),
            adapterMicros = Percentiles(adapter),
            targetP99Micros = 1000,
        };
    }

    // ------------------------------------------------------------------ execution → fill

    private static async Task<object> FillsAsync(string admin, int rate, int seconds, CancellationToken ct)
    {
        var name = "atb_bybit_bench_" + Guid.NewGuid().ToString("N")[..10];
        await ExecuteAsync(admin, $"CREATE DATABASE {name}", ct);
        try
        {
            return await StreamAsync(new() { ["ConnectionStrings:Postgres"] = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString }, rate, seconds, ct);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task<object> StreamAsync(Dictionary<string, string?> storage, int rate, int seconds, CancellationToken ct)
    {
        {
            await using var server = await StreamServer.StartAsync();
            var settings = new Dictionary<string, string?>(storage)
            {
                ["Exchange:Provider"] = "bybit",
                ["Bybit:Environment"] = "testnet",
                ["Bybit:BaseUrl"] = server.BaseUrl,
                ["Bybit:WebSocketUrl"] = server.PrivateUrl,
                ["Bybit:PublicWebSocketUrl"] = server.PublicUrl,
                ["Bybit:ApiKey"] = "benchmark-key",
                ["Bybit:ApiSecret"] = "benchmark-secret",
                ["Bybit:StreamTickers"] = "false",
            };
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var storedAt = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
            var batches = 0;
            long storeTicks = 0;
            var services = new ServiceCollection()
                .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
                .AddAiTradingBotCore(configuration)
                .AddAiTradingBotStorage(configuration)
                .AddAiTradingBotBybit(configuration);
            // The core's fills path, timed at the moment its store committed.
            services.AddSingleton<FillsPath>();
            services.AddSingleton<IExecutionSink>(sp => new TimingSink(sp.GetRequiredService<FillsPath>(), storedAt, t => { Interlocked.Increment(ref batches); Interlocked.Add(ref storeTicks, t); }));
            await using var provider = services.BuildServiceProvider();
            var hosted = provider.GetServices<IHostedService>().ToList();
            foreach (var h in hosted) await h.StartAsync(ct);
            try
            {
                await WaitAsync(() => server.Subscribed, TimeSpan.FromSeconds(30), "the private stream subscription");
                await WaitAsync(() => provider.GetRequiredService<BybitPrivateStream>().Live, TimeSpan.FromSeconds(30), "the private stream");

                // Warm-up: one second at the rate (not measured).
                var warm = await server.SendPacedAsync(rate, rate, "warm", ct);
                await WaitAsync(() => warm.All(storedAt.ContainsKey), TimeSpan.FromSeconds(60), "the warm-up fills");

                var batchesBefore = Volatile.Read(ref batches);
                var storeTicksBefore = Interlocked.Read(ref storeTicks);
                var sent = await server.SendPacedAsync(rate, rate * seconds, "run", ct);
                await WaitAsync(() => sent.All(storedAt.ContainsKey), TimeSpan.FromSeconds(120), "all fills");
                var batchCount = Volatile.Read(ref batches) - batchesBefore;
                var storeMillis = (Interlocked.Read(ref storeTicks) - storeTicksBefore) * 1000.0 / Stopwatch.Frequency;

                var latencies = sent.Select(id => storedAt[id] - server.SentAt[id]).ToArray();
                var first = sent.Min(id => server.SentAt[id]);
                var lastStored = sent.Max(id => storedAt[id]);
                var lastSent = sent.Max(id => server.SentAt[id]);
                var store = provider.GetRequiredService<IFillStore>();
                var rows = (await store.QueryAsync(new FillQuery(Limit: 1_000_000), ct)).Count;
                return new
                {
                    measured = $"Kestrel WebSocket push (one execution per message) → BybitPrivateStream → core FillsPath → {provider.GetRequiredService<IFillStore>().GetType().Name} commit; Redis position publishing not configured (null publisher)",
                    targetRatePerSecond = rate,
                    messages = sent.Count,
                    sendRatePerSecond = Math.Round(sent.Count / Stopwatch.GetElapsedTime(first, lastSent).TotalSeconds, 1),
                    sustainedStoredPerSecond = Math.Round(sent.Count / Stopwatch.GetElapsedTime(first, lastStored).TotalSeconds, 1),
                    storeBatches = batchCount,
                    averageBatch = Math.Round((double)sent.Count / Math.Max(1, batchCount), 2),
                    fillsPathMillisPerBatch = Math.Round(storeMillis / Math.Max(1, batchCount), 3),
                    fillsPathMillisPerExecution = Math.Round(storeMillis / sent.Count, 4),
                    fillRows = rows,
                    latencyMillis = Percentiles(latencies, millis: true),
                    targetP99Millis = 50,
                };
            }
            finally
            {
                foreach (var h in hosted) await h.StopAsync(CancellationToken.None);
            }
        }
    }

    private static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Trim(); }
        catch (IOException) { return "unknown"; }
    }

    private static object Percentiles(long[] ticks, bool millis = false)
    {
        Array.Sort(ticks);
        double At(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * (millis ? 1_000.0 : 1_000_000.0) / Stopwatch.Frequency;
        return new
        {
            p50 = Math.Round(At(0.50), 3),
            p90 = Math.Round(At(0.90), 3),
            p99 = Math.Round(At(0.99), 3),
            p999 = Math.Round(At(0.999), 3),
            max = Math.Round(ticks[^1] * (millis ? 1_000.0 : 1_000_000.0) / Stopwatch.Frequency, 3),
        };
    }

    private static async Task WaitAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > until) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Delivers to the fills path and records when each execution was committed.</summary>
    private sealed class TimingSink(IExecutionSink inner, ConcurrentDictionary<string, long> storedAt, Action<long> onBatch) : IExecutionSink
    {
        public async Task OnExecutionsAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct)
        {
            var start = Stopwatch.GetTimestamp();
            await inner.OnExecutionsAsync(executions, ct);
            var now = Stopwatch.GetTimestamp();
            foreach (var e in executions) storedAt[e.ExecId] = now;
            onBatch(now - start);
        }
    }

    /// <summary>
    /// The smallest Bybit V5 peer the listener needs: server time, an empty execution history, and the private
    /// WebSocket (auth, subscribe, pong) that pushes paced execution messages.
    /// </summary>
    private sealed class StreamServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly SemaphoreSlim _sendLock = new(1, 1);
        private WebSocket? _socket;
        private long _seq;

        private StreamServer(WebApplication app) => _app = app;

        public string BaseUrl { get; private set; } = "";
        public string PrivateUrl { get; private set; } = "";
        public string PublicUrl { get; private set; } = "";
        public bool Subscribed { get; private set; }
        public ConcurrentDictionary<string, long> SentAt { get; } = new(StringComparer.Ordinal);

        public static async Task<StreamServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            var server = new StreamServer(app);
            app.UseWebSockets();
            app.Run(server.HandleAsync);
            await app.StartAsync();
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            server.BaseUrl = address.ToString().TrimEnd('/');
            server.PrivateUrl = $"ws://{address.Authority}/v5/private";
            server.PublicUrl = $"ws://{address.Authority}/v5/public";
            return server;
        }

        private async Task HandleAsync(HttpContext ctx)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (ctx.WebSockets.IsWebSocketRequest && ctx.Request.Path == "/v5/private")
            {
                using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
                _socket = ws;
                var buffer = new byte[4096];
                try
                {
                    while (ws.State == WebSocketState.Open)
                    {
                        var r = await ws.ReceiveAsync(buffer, ctx.RequestAborted);
                        if (r.MessageType == WebSocketMessageType.Close) break;
                        var op = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, r.Count))?["op"]?.GetValue<string>();
                        var reply = op switch
                        {
                            "auth" => "{\"success\":true,\"ret_msg\":\"\",\"op\":\"auth\",\"conn_id\":\"bench\"}",
                            "subscribe" => "{\"success\":true,\"ret_msg\":\"\",\"op\":\"subscribe\",\"conn_id\":\"bench\"}",
                            _ => "{\"op\":\"pong\",\"conn_id\":\"bench\"}",
                        };
                        await SendAsync(reply, ctx.RequestAborted);
                        if (op == "subscribe") Subscribed = true;
                    }
                }
                catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
                return;
            }
            object result = ctx.Request.Path.Value switch
            {
                "/v5/market/time" => new { timeSecond = (now / 1000).ToString(CultureInfo.InvariantCulture), timeNano = (now * 1_000_000).ToString(CultureInfo.InvariantCulture) },
                _ => new { category = "linear", list = Array.Empty<object>(), nextPageCursor = "" },
            };
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(JsonSerializer.Serialize(new { retCode = 0, retMsg = "OK", result, time = now }));
        }

        private async Task SendAsync(string text, CancellationToken ct)
        {
            await _sendLock.WaitAsync(ct);
            try { await _socket!.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, ct); }
            finally { _sendLock.Release(); }
        }

        /// <summary>Sends <paramref name="count"/> execution messages at <paramref name="rate"/> per second; returns their exec ids.</summary>
        public async Task<List<string>> SendPacedAsync(int rate, int count, string tag, CancellationToken ct)
        {
            var ids = new List<string>(count);
            var start = Stopwatch.GetTimestamp();
            var perMessage = (double)Stopwatch.Frequency / rate;
            for (var i = 0; i < count; i++)
            {
                var due = start + (long)(i * perMessage);
                while (Stopwatch.GetTimestamp() < due)
                {
                    if (due - Stopwatch.GetTimestamp() > Stopwatch.Frequency / 500) await Task.Delay(1, ct);
                    else Thread.SpinWait(50);
                }
                var seq = Interlocked.Increment(ref _seq);
                var id = $"{tag}-{seq:D9}";
                var bot = "bot" + (seq % 5).ToString(CultureInfo.InvariantCulture);
                var symbol = (seq % 3) switch { 0 => "BTCUSDT", 1 => "ETHUSDT", _ => "SOLUSDT" };
                var message = JsonSerializer.Serialize(new
                {
                    id = "m" + seq.ToString(CultureInfo.InvariantCulture),
                    topic = "execution",
                    creationTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                    data = new[]
                    {
                        new
                        {
                            category = "linear", symbol, execId = id, execPrice = (100m + seq % 50).ToString(CultureInfo.InvariantCulture),
                            execQty = "0.01", execFee = "0.0006", execType = "Trade", orderId = "o" + seq.ToString(CultureInfo.InvariantCulture),
                            orderLinkId = $"{bot}-grid-{seq}", orderType = "Market", stopOrderType = "UNKNOWN", side = seq % 2 == 0 ? "Buy" : "Sell",
                            execTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
                        },
                    },
                });
                SentAt[id] = Stopwatch.GetTimestamp();
                await SendAsync(message, ct);
                ids.Add(id);
            }
            return ids;
        }

        public async ValueTask DisposeAsync()
        {
            _socket?.Abort();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
