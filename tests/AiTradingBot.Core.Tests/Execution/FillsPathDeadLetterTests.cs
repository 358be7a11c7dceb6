using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Core.Tests.Support;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Core.Tests.Execution;

/// <summary>
/// One bad execution never stops the fills path: it is dead-lettered, the admins hear of it once, the rest of the batch
/// is stored, and the fill metrics count what happened.
/// </summary>
public sealed class FillsPathDeadLetterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static ExecutionReport Exec(string id, decimal qty, decimal price, string symbol = "BTCUSDT") =>
        new(id, "o-" + id, "c-" + id, "alpha", symbol, OrderCategory.Linear, OrderSide.Buy, price, qty, 0.1m, "USDT", T0);

    [Fact]
    public async Task A_batch_with_bad_rows_stores_the_rest_tells_admins_once_and_counts_it()
    {
        var source = "test-" + Guid.NewGuid().ToString("N")[..8];
        using var metrics = new FillMetrics(source);
        var store = new InMemoryFillStore();
        var channel = new CapturingChannel();
        var hub = new NotificationHub([channel], Options.Create(new NotificationOptions()), NullLogger<NotificationHub>.Instance);
        var time = new ManualTimeProvider(T0.AddSeconds(3));
        var path = new FillsPath(store, new NullPositionPublisher(), hub, time, source: source);
        ExecutionReport[] batch = [Exec("ok-1", 1, 100), Exec("no-qty", 0, 100), Exec("no-price", 1, 0), Exec("no-symbol", 1, 100, symbol: ""), Exec("ok-2", 2, 110)];

        await path.OnExecutionsAsync(batch, _ct);

        Assert.Equal(["ok-1", "ok-2"], (await store.QueryAsync(new FillQuery(), _ct)).Select(f => f.ExecId).Order());
        Assert.Equal(["bad_price", "bad_qty", "missing_symbol"], store.DeadLetters.Select(d => d.Kind).Order());
        var notice = Assert.Single(channel.Sent, n => n.Kind == NotificationKind.System);
        Assert.Contains("3 executions could not be stored", notice.Text);
        Assert.Contains("no-qty", notice.Text);
        Assert.Contains("2 new fills", notice.Text);
        Assert.Equal(2, channel.Sent.Count(n => n.Kind == NotificationKind.Fill));
        Assert.Equal(2, metrics.Sum("aitradingbot.fills.ingested"));
        Assert.Equal(3, metrics.Sum("aitradingbot.fills.dead_lettered"));
        Assert.Equal(1, metrics.Sum("aitradingbot.fills.dead_lettered", kind: "bad_qty"));
        // Execution time → committed: the clock stands 3 s after the executions.
        Assert.Equal([3.0, 3.0], metrics.Lags);

        // The stream redelivers the same batch: nothing new is stored, dead-lettered, noticed or counted.
        await path.OnExecutionsAsync(batch, _ct);

        Assert.Equal(2, (await store.QueryAsync(new FillQuery(), _ct)).Count);
        Assert.Equal(3, store.DeadLetters.Count);
        Assert.Single(channel.Sent, n => n.Kind == NotificationKind.System);
        Assert.Equal(2, metrics.Sum("aitradingbot.fills.ingested"));
        Assert.Equal(3, metrics.Sum("aitradingbot.fills.dead_lettered"));
        Assert.Equal(2, metrics.Lags.Count);
    }

    [Fact]
    public async Task Many_bad_rows_make_one_notice_that_names_a_few_and_counts_the_rest()
    {
        var store = new InMemoryFillStore();
        var channel = new CapturingChannel();
        var hub = new NotificationHub([channel], Options.Create(new NotificationOptions()), NullLogger<NotificationHub>.Instance);
        var path = new FillsPath(store, new NullPositionPublisher(), hub, source: "test-many");

        await path.OnExecutionsAsync(Enumerable.Range(0, 12).Select(i => Exec($"bad-{i}", 0, 100)).ToList(), _ct);

        var notice = Assert.Single(channel.Sent);
        Assert.Contains("12 executions", notice.Text);
        Assert.Contains("12 bad_qty", notice.Text);
        Assert.Contains($"and {12 - FillsPath.NoticeExamples} more", notice.Text);
        Assert.Empty(await store.QueryAsync(new FillQuery(), _ct));
    }

    [Fact]
    public void Each_defect_has_its_kind_and_a_reason_that_names_the_execution()
    {
        Assert.Null(ExecutionDefects.Find(Exec("fine", 1, 100)));
        Assert.Equal("empty", ExecutionDefects.Find(null)!.Value.Kind);
        Assert.Equal("missing_exec_id", ExecutionDefects.Find(Exec(" ", 1, 100))!.Value.Kind);
        Assert.Equal("missing_side", ExecutionDefects.Find(Exec("s", 1, 100) with { Side = (OrderSide)42 })!.Value.Kind);
        Assert.Equal("missing_bot", ExecutionDefects.Find(Exec("b", 1, 100) with { BotId = "" })!.Value.Kind);
        var (kind, reason) = ExecutionDefects.Find(Exec("neg", -1, 100))!.Value;
        Assert.Equal("bad_qty", kind);
        Assert.Contains("neg", reason);
        Assert.Contains("-1", reason);
    }

    [Fact]
    public void A_dead_letter_keeps_the_raw_event_with_secrets_masked_and_dedupes_on_exec_id()
    {
        var redactor = new AiTradingBot.Core.Audit.SecretRedactor(["tok-SECRET-123"]);
        var e = Exec("x1", 0, 100) with { ClientOrderId = "leak tok-SECRET-123" };
        var letter = ExecutionDefects.DeadLetter(e, "bad_qty", "qty 0", redactor);

        Assert.Contains("\"execId\":\"x1\"", letter.RawEvent);
        Assert.Contains("\"side\":\"Buy\"", letter.RawEvent);
        Assert.DoesNotContain("tok-SECRET-123", letter.RawEvent);
        Assert.Equal("exec:x1", ExecutionDefects.DedupeKey(letter));
        var anonymous = ExecutionDefects.DeadLetter(e with { ExecId = "" }, "missing_exec_id", "no id", null);
        Assert.StartsWith("sha256:", ExecutionDefects.DedupeKey(anonymous));
        Assert.Equal(ExecutionDefects.DedupeKey(anonymous), ExecutionDefects.DedupeKey(ExecutionDefects.DeadLetter(e with { ExecId = "" }, "missing_exec_id", "no id", null)));
    }

    /// <summary>Collects the fill instruments' measurements for one source label (other tests record in parallel).</summary>
    private sealed class FillMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, string? Kind)> _seen = new();
        private readonly string _source;

        public FillMetrics(string source)
        {
            _source = source;
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == AiTradingBotTelemetry.Name && instrument.Name.Contains("fill", StringComparison.Ordinal)) l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i.Name, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i.Name, v, tags));
            _listener.Start();
        }

        private void Add(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? source = null, kind = null;
            foreach (var t in tags)
            {
                if (t.Key == "source") source = t.Value as string;
                if (t.Key == "kind") kind = t.Value as string;
            }
            if (source == _source) _seen.Enqueue((name, value, kind));
        }

        public double Sum(string name, string? kind = null) => _seen.Where(m => m.Name == name && (kind is null || m.Kind == kind)).Sum(m => m.Value);

        public List<double> Lags => _seen.Where(m => m.Name == "aitradingbot.fill.ingest.lag").Select(m => m.Value).ToList();

        public void Dispose() => _listener.Dispose();
    }
}
