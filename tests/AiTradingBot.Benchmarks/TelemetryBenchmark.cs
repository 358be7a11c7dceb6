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
        var pairs = args.Length > 1 && int.TryParse(args[1], out var p) ? p : 3;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" }).Build();
        await using var services = new ServiceCollection().AddAiTradingBotPaper(configuration).AddAiTradingBotCore(configuration).BuildServiceProvider();
        var assistant = services.GetRequiredService<IAssistant>();
        var user = new Principal("bench", "bench", UserRole.Admin);
        Task Run(string t) => assistant.HandleAsync(new IncomingMessage("bench", "chat", user, t), ct);

        var off = new List<CoreBenchmark.Figures>();
        var on = new List<CoreBenchmark.Figures>();
        long spans = 0;
        for (var i = 0; i < pairs; i++)
        {
            off.Add(await CoreBenchmark.MeasureAsync(corpus, rounds, Run));
            var metrics = new List<Metric>();
            using (var meterProvider = Sdk.CreateMeterProviderBuilder().AddMeter(AiTradingBotTelemetry.Name).AddInMemoryExporter(metrics).Build())
            using (var tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(AiTradingBotTelemetry.Name).SetSampler(new AlwaysOnSampler())
                       .AddProcessor(new CountingProcessor(() => Interlocked.Increment(ref spans))).Build())
            {
                on.Add(await CoreBenchmark.MeasureAsync(corpus, rounds, Run));
                meterProvider!.ForceFlush();
            }
        }

        // The median run of each side, by throughput.
        static CoreBenchmark.Figures Median(List<CoreBenchmark.Figures> f) => f.OrderBy(x => x.MessagesPerSecond).ElementAt(f.Count / 2);
        var offMedian = Median(off);
        var onMedian = Median(on);
        var slowdown = Math.Round(100 * (1 - onMedian.MessagesPerSecond / offMedian.MessagesPerSecond), 1);
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
            spans_ended = spans,
            throughput_slowdown_percent = slowdown,
            p99_increase_percent = p99Increase,
            goal_percent = 10,
            meets_goal = slowdown <= 10,
            load_average = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
        };
    }

    // Ends every span like an exporter's processor would, without IO, so the cost measured is the instrumentation's.
    private sealed class CountingProcessor(Action onEnd) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity data) => onEnd();
    }
}
