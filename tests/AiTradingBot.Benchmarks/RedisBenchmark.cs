using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Redis;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Pipelined GET/SET throughput through the adapter (<see cref="RedisKeyValueStore"/> on the host's one
/// StackExchange.Redis multiplexer), against <c>redis-benchmark</c> (<c>-t get,set -n N -P 16</c>) on the same server
/// in the same run, with the same load shape: 50 concurrent callers each keeping a batch of 16 commands in flight.
/// Then the confirmation take: one token pressed 100 times at once from two instances (two multiplexers), through
/// the real <see cref="ConfirmationGate"/>, latency per press. Args: [host:port[,password=…]] [requests] [rounds].
/// </summary>
public sealed partial class RedisBenchmark : IBenchmark
{
    private const int Callers = 50;
    private const int Pipeline = 16;

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public string Description => "adapter pipelined GET/SET ops/s vs redis-benchmark -P 16 on the same server, and confirmation-take latency under 100 concurrent presses (ATB_TEST_REDIS or arg)";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var endpoint = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("ATB_TEST_REDIS")
            ?? throw new InvalidOperationException("Give the Redis endpoint as an argument or in ATB_TEST_REDIS (scripts/servers/redis.sh start writes it).");
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
        var options = RedisConnectionOptions.Parse(endpoint, "the benchmark argument");

        var reference = await RunRedisBenchmarkAsync(options, requests, ct);

        await using var connection = new RedisConnection(options);
        var store = new RedisKeyValueStore(connection.Client(), "atb:bench:");
        await store.SetAsync("key", "xxx", null, ct);
        // Warm-up: JIT, thread pool, socket buffers.
        await RunOursAsync(requests / 2, () => store.SetAsync("key", "xxx", null, ct));
        await RunOursAsync(requests / 2, () => store.GetAsync("key", ct));
        var (set, setCpu) = await RunOursAsync(requests, () => store.SetAsync("key", "xxx", null, ct));
        var (get, getCpu) = await RunOursAsync(requests, () => store.GetAsync("key", ct));
        await store.DeleteAsync("key", ct);

        var take = await RunConfirmationTakeAsync(options, connection, rounds, ct);

        var oursTotal = Round(2 * requests / (requests / set + requests / get));
        var theirsTotal = reference.Set > 0 && reference.Get > 0 ? Round(2 * requests / (requests / reference.Set + requests / reference.Get)) : 0;
        return new
        {
            server = options.Endpoint,
            requests,
            callers = Callers,
            pipeline = Pipeline,
            ours = new
            {
                setOpsPerSec = Round(set),
                getOpsPerSec = Round(get),
                combinedOpsPerSec = oursTotal,
                // Client CPU per command: what bounds our throughput when the cores are shared with the server.
                setClientCpuMicrosPerOp = Math.Round(setCpu, 2),
                getClientCpuMicrosPerOp = Math.Round(getCpu, 2),
            },
            redisBenchmark = new { setOpsPerSec = reference.Set, getOpsPerSec = reference.Get, combinedOpsPerSec = theirsTotal, command = reference.Command },
            ratio = new
            {
                set = reference.Set > 0 ? Math.Round(set / reference.Set, 3) : 0,
                get = reference.Get > 0 ? Math.Round(get / reference.Get, 3) : 0,
                combined = theirsTotal > 0 ? Math.Round(oursTotal / theirsTotal, 3) : 0,
            },
            target = "ours >= 60% of redis-benchmark",
            protocol = options.Protocol.ToString(),
            confirmationTake = take,
        };
    }

    // Each round: a fresh token, 100 presses at once (half through each instance's gate), every press timed.
    private static async Task<object> RunConfirmationTakeAsync(RedisConnectionOptions options, RedisConnection first, int rounds, CancellationToken ct)
    {
        const int presses = 100;
        await using var second = new RedisConnection(options);
        var gateOptions = Options.Create(new AssistantOptions());
        var prefix = $"atb:bench:{Guid.NewGuid():N}:";
        var gates = new[]
        {
            new ConfirmationGate(new RedisKeyValueStore(first.Client(), prefix), TimeProvider.System, gateOptions),
            new ConfirmationGate(new RedisKeyValueStore(second.Client(), prefix), TimeProvider.System, gateOptions),
        };
        var latencies = new List<double>(rounds * presses);
        var confirmed = 0;
        for (var round = -3; round < rounds; round++) // three warm-up rounds, not counted
        {
            var pending = await gates[0].CreateAsync("bench", "chat", "user", "bench", "stop alpha", [new SystemStopArgs("alpha")], ct);
            using var start = new ManualResetEventSlim(false);
            var tasks = Enumerable.Range(0, presses).Select(i => Task.Run(async () =>
            {
                start.Wait(ct);
                var t0 = Stopwatch.GetTimestamp();
                var result = await gates[i % 2].ConfirmAsync(pending.Id, "bench", "chat", "user", ct);
                return (Stopwatch.GetElapsedTime(t0).TotalMilliseconds, result.Status == GateStatus.Confirmed);
            }, ct)).ToArray();
            start.Set();
            var results = await Task.WhenAll(tasks);
            if (results.Count(r => r.Item2) != 1) throw new InvalidOperationException($"round {round}: {results.Count(r => r.Item2)} presses confirmed one token");
            if (round < 0) continue;
            confirmed++;
            latencies.AddRange(results.Select(r => r.Item1));
        }
        var cleanup = new RedisKeyValueStore(first.Client(), prefix);
        foreach (var key in await cleanup.KeysAsync("", ct)) await cleanup.DeleteAsync(key, ct);
        latencies.Sort();
        double P(double q) => Math.Round(latencies[Math.Min(latencies.Count - 1, (int)Math.Ceiling(q * latencies.Count) - 1)], 2);
        return new
        {
            rounds,
            pressesPerRound = presses,
            instances = 2,
            tokensConfirmedOnce = confirmed,
            p50Ms = P(0.50),
            p99Ms = P(0.99),
            maxMs = Math.Round(latencies[^1], 2),
        };
    }

    private static double Round(double v) => Math.Round(v, 0);

    // Callers × pipeline commands in flight at all times, like redis-benchmark's -c 50 -P 16.
    private static async Task<(double OpsPerSec, double CpuMicrosPerOp)> RunOursAsync(int requests, Func<Task> op)
    {
        var remaining = requests;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
        {
            var batch = new Task[Pipeline];
            while (true)
            {
                var n = 0;
                while (n < Pipeline && Interlocked.Decrement(ref remaining) >= 0) batch[n++] = op();
                if (n == 0) return;
                for (var i = 0; i < n; i++) await batch[i];
                if (n < Pipeline) return;
            }
        })));
        var elapsed = watch.Elapsed;
        var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        return (requests / elapsed.TotalSeconds, cpuUsed.TotalMicroseconds / requests);
    }

    private static async Task<(double Set, double Get, string Command)> RunRedisBenchmarkAsync(RedisConnectionOptions options, int requests, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("redis-benchmark") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var shown = new List<string> { "-h", options.Host, "-p", options.Port.ToString(CultureInfo.InvariantCulture), "-t", "get,set", "-n", requests.ToString(CultureInfo.InvariantCulture), "-P", Pipeline.ToString(CultureInfo.InvariantCulture), "-q" };
        foreach (var a in shown) psi.ArgumentList.Add(a);
        if (options.Password is not null)
        {
            psi.ArgumentList.Add("-a");
            psi.ArgumentList.Add(options.Password);
            psi.ArgumentList.Add("--no-auth-warning");
        }
        if (options.Database != 0)
        {
            psi.ArgumentList.Add("--dbnum");
            psi.ArgumentList.Add(options.Database.ToString(CultureInfo.InvariantCulture));
        }
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-benchmark did not start (apt-get install redis-tools).");
        var output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        double set = 0, get = 0;
        // -q prints progress with carriage returns, then e.g. "SET: 1030927.81 requests per second, p50=0.711 msec".
        foreach (Match m in ResultLine().Matches(output))
        {
            var value = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
            if (m.Groups[1].Value == "SET") set = value;
            else get = value;
        }
        if (set == 0 || get == 0) throw new InvalidOperationException($"Could not read redis-benchmark's output: {output}");
        return (set, get, "redis-benchmark " + string.Join(' ', shown));
    }

    [GeneratedRegex(@"(SET|GET): ([0-9.]+) requests per second")]
    private static partial Regex ResultLine();
}
