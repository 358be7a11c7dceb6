using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using AiTradingBot.Core;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// The whole assistant (interpret → check → gate → execute read-only steps → audit) over dev.jsonl on one core, with
/// telemetry off (no listener: instruments and the activity source are inert) and on (an OpenTelemetry meter provider
/// aggregating every AiTradingBot instrument and a tracer provider sampling every span). Runs alternate off/on to
/// spread machine noise evenly. Goal: on is at most 10 % slower.
/// </summary>
public sealed class TelemetryBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "telemetry";

    /// <inheritdoc />
    public string Description => "Assistant end to end over dev.jsonl with telemetry off vs on (metrics + all spans): msgs/s, p99 (goal ≤ 10 % slower)";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) Process.GetCurrentProcess().ProcessorAffinity = 1;
        var corpus = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "corpus", "dev.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToArray();
        var rounds = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 30;
        var pairs = args.Length > 1 && int.TryParse(args[1], out var p) ? p : 5;
        var loadBefore = LoadAverage();

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" }).Build();
        await using var services = new ServiceCollection().AddAiTradingBotPaper(configuration).AddAiTradingBotCore(configuration).BuildServiceProvider();
        var assistant = services.GetRequiredService<IAssistant>();
        var user = new Principal("bench", "bench", UserRole.Admin);
        Task Run(string t) => assistant.HandleAsync(new IncomingMessage("bench", "chat", user, t), ct);

        var off = new List<CoreBenchmark.Figures>();
        var on = new List<CoreBenchmark.Figures>();
        // CPU time per message as well as wall-clock throughput: on a machine where other work takes the core away,
        // waiting for the CPU inflates wall time but not the CPU this process spends.
        var offCpu = new List<double>();
        var onCpu = new List<double>();
        var measuredMessages = corpus.Length * (rounds + 4);
        long spans = 0;
        for (var i = 0; i < pairs; i++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            off.Add(await CoreBenchmark.MeasureAsync(corpus, rounds, Run));
            offCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / measuredMessages);
            var metrics = new List<Metric>();
            using (var meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(AiTradingBotTelemetry.Name).AddInMemoryExporter(metrics).Build())
            using (var tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(AiTradingBotTelemetry.Name).SetSampler(new AlwaysOnSampler())
                       .AddProcessor(new CountingProcessor(() => Interlocked.Increment(ref spans))).Build())
            {
                cpu = Process.GetCurrentProcess().TotalProcessorTime;
                on.Add(await CoreBenchmark.MeasureAsync(corpus, rounds, Run));
                onCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / measuredMessages);
                meterProvider!.ForceFlush();
            }
        }

        // Where the extra allocation comes from (allocation is not disturbed by other load): metrics alone, spans alone.
        long metricsOnlyBytes, tracesOnlyBytes;
        using (Sdk.CreateMeterProviderBuilder().AddMeter(AiTradingBotTelemetry.Name).AddInMemoryExporter(new List<Metric>()).Build())
            metricsOnlyBytes = (await CoreBenchmark.MeasureAsync(corpus, rounds, Run)).AllocatedBytesPerMessage;
        using (Sdk.CreateTracerProviderBuilder().AddSource(AiTradingBotTelemetry.Name).SetSampler(new AlwaysOnSampler())
                   .AddProcessor(new CountingProcessor(() => Interlocked.Increment(ref spans))).Build())
            tracesOnlyBytes = (await CoreBenchmark.MeasureAsync(corpus, rounds, Run)).AllocatedBytesPerMessage;

        // The median run of each side, by throughput.
        static CoreBenchmark.Figures Median(List<CoreBenchmark.Figures> f) => f.OrderBy(x => x.MessagesPerSecond).ElementAt(f.Count / 2);
        static double MedianOf(IEnumerable<double> values) { var v = values.Order().ToList(); return v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2; }
        var offMedian = Median(off);
        var onMedian = Median(on);
        // On a machine shared with other work, the load drifts during the run: each on run is compared with the off run
        // just before it, and the median of those paired slowdowns is the figure (the ratio of medians is shown too).
        var paired = off.Zip(on, (a, b) => Math.Round(100 * (1 - b.MessagesPerSecond / a.MessagesPerSecond), 1)).ToList();
        var slowdown = Math.Round(MedianOf(paired), 1);
        var slowdownOfMedians = Math.Round(100 * (1 - onMedian.MessagesPerSecond / offMedian.MessagesPerSecond), 1);
        var pairedCpu = offCpu.Zip(onCpu, (a, b) => Math.Round(100 * (b / a - 1), 1)).ToList();
        var p99Increase = Math.Round(100 * (onMedian.P99Ms / offMedian.P99Ms - 1), 1);
        return new
        {
            corpus = "dev.jsonl",
            messages = corpus.Length,
            rounds,
            pairs,
            cores = 1,
            telemetry_off = offMedian,
            telemetry_on = onMedian,
            runs_off_msgs_per_s = off.Select(f => Math.Round(f.MessagesPerSecond)).ToList(),
            runs_on_msgs_per_s = on.Select(f => Math.Round(f.MessagesPerSecond)).ToList(),
            paired_slowdowns_percent = paired,
            cpu_us_per_message_off = offCpu.Select(c => Math.Round(c, 1)).ToList(),
            cpu_us_per_message_on = onCpu.Select(c => Math.Round(c, 1)).ToList(),
            paired_cpu_increase_percent = pairedCpu,
            cpu_increase_percent = Math.Round(MedianOf(pairedCpu), 1),
            spans_ended = spans,
            throughput_slowdown_percent = slowdown,
            slowdown_of_medians_percent = slowdownOfMedians,
            allocated_bytes_per_message_off = offMedian.AllocatedBytesPerMessage,
            allocated_bytes_per_message_on = onMedian.AllocatedBytesPerMessage,
            allocated_bytes_per_message_metrics_only = metricsOnlyBytes,
            allocated_bytes_per_message_traces_only = tracesOnlyBytes,
            p99_increase_percent = p99Increase,
            goal_percent = 10,
            meets_goal = slowdown <= 10 && MedianOf(pairedCpu) <= 10,
            load_average_before = loadBefore,
            load_average_after = LoadAverage(),
        };
    }

    private static string? LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null;

    // Ends every span like an exporter's processor would, without IO, so the cost measured is the instrumentation's.
    private sealed class CountingProcessor(Action onEnd) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => onEnd();
    }
}
