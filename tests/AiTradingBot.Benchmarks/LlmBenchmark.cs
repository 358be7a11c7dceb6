using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm;
using AiTradingBot.Llm.Agent;
using AiTradingBot.Llm.Context;
using AiTradingBot.Llm.Prompts;
using AiTradingBot.Core.Audit;
using Microsoft.Extensions.Logging.Abstractions;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Overhead of the LLM agent layer (the Semantic Kernel agent over the catalog plugins) with the model taking zero
/// time: prompt and context building, Semantic Kernel's function advertisement and the OpenAI connector's request
/// serialization and response parsing (over an in-memory HTTP handler, no socket), tool-call reading and validation
/// into a plan, in-turn reads through the kernel and its invocation filter, the provenance rule, and context memory.
/// p99 target: under 2 ms.
/// </summary>
public sealed class LlmBenchmark : IBenchmark
{
    // CPU time of the calling thread: unlike wall time it does not count the time the scheduler gave to other
    // processes, which on a shared 2-core machine dominates any wall-clock p99.
    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ClockThreadCpuTime = 3;

    private static double ThreadCpuMs() =>
        ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds * 1000.0 + t.Nanoseconds / 1e6 : double.NaN;

    /// <inheritdoc />
    public string Name => "llm";

    /// <inheritdoc />
    public string Description => "LLM agent-layer overhead per message with a zero-latency model stub: p50/p99 (target p99 < 2 ms)";

    /// <summary>Answers every chat-completions request at once with the next queued body.</summary>
    private sealed class StubHandler : HttpMessageHandler
    {
        public Queue<string> Next { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            // Read the body as the real server would; it is not parsed (that would be the model's time).
            _ = await request.Content!.ReadAsByteArrayAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Next.Dequeue(), Encoding.UTF8, "application/json") };
        }
    }

    /// <summary>A read-only runner that returns a fixed 4 KB of log text.</summary>
    private sealed class FixedRunner : IReadOnlyToolRunner
    {
        private static readonly string Logs = string.Concat(Enumerable.Range(0, 60).Select(i => $"2026-01-01T00:00:{i % 60:00}Z alpha tick {i}: strategy evaluated, no signal\n"));
        public Task<string> RunAsync(PlanStep step, string? conversation, CancellationToken ct) => Task.FromResult(Logs);
    }

    private static string Completion(string? text, params (string Name, string Args)[] calls)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
        if (calls.Length > 0)
            message["tool_calls"] = new JsonArray(calls.Select((c, i) => (JsonNode)new JsonObject
            {
                ["id"] = $"call_{i}", ["type"] = "function", ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Args },
            }).ToArray());
        return new JsonObject
        {
            ["id"] = "chatcmpl-bench", ["object"] = "chat.completion", ["created"] = 1_700_000_000, ["model"] = "stub",
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = calls.Length > 0 ? "tool_calls" : "stop" }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 1, ["completion_tokens"] = 1, ["total_tokens"] = 2 },
        }.ToJsonString();
    }

    private static string Tool(string action) => CatalogFunctions.ToolNameOf(action)!;

    private sealed record Scenario(string Name, string Text, string[] Responses);

    private static readonly Scenario[] Scenarios =
    [
        new("compound", "stop alpha and show me the last 100 lines",
            [Completion(null, (Tool("system.stop"), """{"system":"shortseller"}"""), (Tool("system.logs"), """{"system":"alpha","lines":100}"""))]),
        new("order", "buy 0.1 btc at 45k with a stop at 43k",
            [Completion(null, (Tool("order.place"), """{"symbol":"btc","side":"buy","qty":0.1,"price":45000,"stopLoss":43000}"""))]),
        new("text", "should I buy btc now?", [Completion("I can't give financial advice; I can show you the BTC price.")]),
        new("invalid", "stop zulu", [Completion(null, (Tool("system.stop"), """{"system":"zulu"}"""))]),
        // Two model rounds: a read-only tool runs through the kernel, its 4 KB output goes back wrapped, and the
        // state-changing calls proposed after it are dropped by the provenance rule.
        new("read_then_injected", "what do alpha's logs say?",
            [Completion(null, (Tool("system.logs"), """{"system":"alpha"}""")), Completion(null, (Tool("position.close"), """{"symbol":"all"}"""), (Tool("system.killswitch"), "{}"))]),
    ];

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var rounds = args.Length > 0 && int.TryParse(args[0], out var r) ? r : 2000;
        var options = new LlmOptions { Mode = LanguageModelMode.Primary, Endpoint = "http://stub.invalid/v1", Model = "stub", ApiKey = "bench", TimeoutSeconds = 30 };
        var handler = new StubHandler();
        var chat = LlmServiceCollectionExtensions.CreateChatCompletion(options, new HttpClient(handler));
        var coldSchema = Stopwatch.StartNew();
        var kernel = CatalogKernel.Create(chat, SystemRegistry.Default, new FixedRunner(), options, SecretRedactor.None);
        coldSchema.Stop();
        var store = new InMemoryKeyValueStore(TimeProvider.System);
        var memory = new ConversationMemory(store, options, TimeProvider.System, NullLogger<ConversationMemory>.Instance);
        var interpreter = new LlmInterpreter(kernel, SystemRegistry.Default, new PromptLibrary(options), options, memory, true, TimeProvider.System, NullLogger<LlmInterpreter>.Instance);
        var context = new ConversationContext(["alpha"], ["BTCUSDT"]);

        var perScenario = new Dictionary<string, object>();
        var allWall = new List<double>();
        var allCpu = new List<double>();
        foreach (var s in Scenarios)
        {
            var samples = await MeasureAsync(rounds, async i =>
            {
                foreach (var body in s.Responses) handler.Next.Enqueue(body);
                var plan = await interpreter.InterpretAsync(new InterpretRequest(s.Text, context, $"bench:{i % 50}"), ct);
                if (handler.Next.Count != 0 || plan.Input != s.Text) throw new InvalidOperationException($"{s.Name}: unexpected run");
                if (s.Name == "read_then_injected" && (plan.Confirm || plan.Notices.Count != 1)) throw new InvalidOperationException("the provenance rule did not drop the injected calls");
            });
            perScenario[s.Name] = new { wall = Summarize(samples.Wall), cpu = Summarize(samples.Cpu) };
            allWall.AddRange(samples.Wall);
            allCpu.AddRange(samples.Cpu);
        }
        var wallOverall = Summarize(allWall.ToArray());
        var cpuOverall = Summarize(allCpu.ToArray());
        return new
        {
            rounds_per_scenario = rounds,
            layer = "semantic-kernel",
            kernel_build_cold_ms = Math.Round(coldSchema.Elapsed.TotalMilliseconds, 3),
            functions = kernel.Plugins.Sum(p => p.FunctionCount),
            machine_load_average = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
            processors = Environment.ProcessorCount,
            overall_wall = wallOverall,
            overall_thread_cpu = cpuOverall,
            scenarios = perScenario,
            target_p99_ms = 2.0,
            meets_target_cpu = cpuOverall.P99Ms < 2.0,
            meets_target_wall = wallOverall.P99Ms < 2.0,
        };
    }

    /// <summary>Latency of one scenario.</summary>
    public sealed record Figures(int Messages, double P50Ms, double P99Ms, double MaxMs, double MeanMs);

    private static async Task<(double[] Wall, double[] Cpu)> MeasureAsync(int rounds, Func<int, Task> run)
    {
        for (var i = 0; i < 200; i++) await run(i); // warm-up: JIT, pipeline, caches
        GC.Collect();
        var wall = new double[rounds];
        var cpu = new List<double>(rounds);
        for (var i = 0; i < rounds; i++)
        {
            var thread = Environment.CurrentManagedThreadId;
            var cpuStart = ThreadCpuMs();
            var start = Stopwatch.GetTimestamp();
            await run(i);
            wall[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            // Only samples that completed on the thread they started on have a meaningful thread CPU time.
            if (Environment.CurrentManagedThreadId == thread && !double.IsNaN(cpuStart)) cpu.Add(ThreadCpuMs() - cpuStart);
        }
        return (wall, cpu.ToArray());
    }

    private static Figures Summarize(double[] samples)
    {
        var sorted = samples.OrderBy(x => x).ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Figures(sorted.Length, Math.Round(P(0.50), 4), Math.Round(P(0.99), 4), Math.Round(sorted[^1], 3), Math.Round(sorted.Average(), 4));
    }
}
