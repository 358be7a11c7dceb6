using System.Diagnostics;
using System.Text.Json;
using AiTradingBot.Core;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Validation;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Messages/s and p50/p99 latency of interpret → validate → risk → gate over the dev corpus, on one core
/// (the process is pinned to CPU 0 and runs single-threaded). Also the interpreter alone, and the whole
/// assistant (with execution of read-only steps and audit) for reference.
/// </summary>
public sealed class CoreBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "core";

    /// <inheritdoc />
    public string Description => "Pipeline interpret→validate→risk→gate over dev.jsonl: msgs/s, p50/p99 (target p99 < 1 ms, ≥ 20,000 msgs/s on one core)";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) Process.GetCurrentProcess().ProcessorAffinity = 1;
        static string[] Texts(string file) => File.ReadLines(Path.Combine(AppContext.BaseDirectory, "corpus", file))
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).ToArray();
        var corpus = Texts("dev.jsonl");
        // The per-class paraphrase suite of issue 21: fractions, money-first, condition-first, typos, off-topic…
        var paraphrases = Texts("paraphrase-classes.jsonl");
        var rounds = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 300;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" }).Build();
        await using var services = new ServiceCollection().AddAiTradingBotPaper(configuration).AddAiTradingBotCore(configuration).BuildServiceProvider();
        var interpreter = services.GetRequiredService<IInterpreter>();
        var validator = services.GetRequiredService<PlanValidator>();
        var gate = services.GetRequiredService<ConfirmationGate>();
        var exchange = services.GetRequiredService<IExchange>();
        var systems = services.GetRequiredService<SystemRegistry>();
        var limits = services.GetRequiredService<IOptions<RiskOptions>>().Value;
        var halt = services.GetRequiredService<TradingHalt>();
        var assistant = services.GetRequiredService<IAssistant>();

        async Task<int> PipelineAsync(string text)
        {
            var plan = await interpreter.InterpretAsync(InterpretRequest.Of(text), ct);
            if (plan.Kind != PlanKind.Plan) return 0;
            var trades = plan.Steps.Any(s => s.Args is Core.Plans.Actions.OrderPlaceArgs or Core.Plans.Actions.PositionCloseArgs);
            var market = trades ? await MarketSnapshot.LoadAsync(plan.Steps, exchange, ct) : MarketSnapshot.Empty;
            if (!validator.Validate(plan.Steps, market).IsValid) return 1;
            if (!plan.Confirm) return 2;
            var account = trades
                ? new AccountSnapshot(await exchange.GetPositionsAsync(null, ct), (await exchange.GetOpenOrdersAsync(null, ct)).Count, 0, 0, 10_000, await halt.IsHaltedAsync(ct))
                : AccountSnapshot.Empty with { Halted = await halt.IsHaltedAsync(ct) };
            var decision = RiskEngine.Evaluate(plan.Steps, account, market, limits, systems, exchange.Mode.Live);
            if (!decision.Allowed) return 3;
            await gate.CreateAsync("bench", "chat", "user", "user", text, plan.Steps, ct);
            return 4;
        }

        var interpretOnly = await MeasureAsync(corpus, rounds, async t => { await interpreter.InterpretAsync(InterpretRequest.Of(t), ct); });
        var pipeline = await MeasureAsync(corpus, rounds, async t => { await PipelineAsync(t); });
        var user = new Principal("bench", "bench", UserRole.Admin);
        var endToEnd = await MeasureAsync(corpus, Math.Max(1, rounds / 10), async t => { await assistant.HandleAsync(new IncomingMessage("bench", "chat", user, t), ct); });
        var paraphraseInterpret = await MeasureAsync(paraphrases, rounds, async t => { await interpreter.InterpretAsync(InterpretRequest.Of(t), ct); });
        var paraphrasePipeline = await MeasureAsync(paraphrases, rounds, async t => { await PipelineAsync(t); });
        return new
        {
            corpus = "dev.jsonl",
            messages = corpus.Length,
            cores = 1,
            pipeline_interpret_validate_risk_gate = pipeline,
            interpret_only = interpretOnly,
            assistant_end_to_end_with_read_only_execution_and_audit = endToEnd,
            paraphrase_suite = new { corpus = "paraphrase-classes.jsonl", messages = paraphrases.Length, interpret_only = paraphraseInterpret, pipeline_interpret_validate_risk_gate = paraphrasePipeline },
            targets = new { p99_ms = 1.0, messages_per_second = 20_000 },
            meets_targets = pipeline.P99Ms < 1.0 && pipeline.MessagesPerSecond >= 20_000 && paraphrasePipeline.P99Ms < 1.0,
        };
    }

    /// <summary>Latency figures of one measured stage.</summary>
    public sealed record Figures(int Messages, double MessagesPerSecond, double P50Ms, double P99Ms, double P999Ms, double MaxMs, long AllocatedBytesPerMessage);

    internal static async Task<Figures> MeasureAsync(string[] corpus, int rounds, Func<string, Task> run)
    {
        foreach (var t in corpus) await run(t); // warm-up: JIT, caches
        for (var i = 0; i < 3; i++) foreach (var t in corpus) await run(t);
        GC.Collect();
        var samples = new double[corpus.Length * rounds];
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var total = Stopwatch.StartNew();
        var n = 0;
        for (var round = 0; round < rounds; round++)
            foreach (var t in corpus)
            {
                var start = Stopwatch.GetTimestamp();
                await run(t);
                samples[n++] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        total.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Array.Sort(samples);
        double P(double q) => samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(q * samples.Length) - 1)];
        return new Figures(n, Math.Round(n / total.Elapsed.TotalSeconds), Math.Round(P(0.50), 4), Math.Round(P(0.99), 4), Math.Round(P(0.999), 4),
            Math.Round(samples[^1], 3), allocated / n);
    }
}
