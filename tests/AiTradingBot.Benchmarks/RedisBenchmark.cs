using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AiTradingBot.Redis;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Pipelined GET/SET throughput of our RESP client on one multiplexed connection, against <c>redis-benchmark</c>
/// (<c>-t get,set -n N -P 16</c>) on the same server in the same run. Our client runs the same load shape:
/// 50 concurrent callers each keeping a batch of 16 commands in flight. Args: [host:port[,password=…]] [requests].
/// </summary>
public sealed partial class RedisBenchmark : IBenchmark
{
    private const int Callers = 50;
    private const int Pipeline = 16;

    /// <inheritdoc />
    public string Name => "redis";

    /// <inheritdoc />
    public string Description => "RESP client pipelined GET/SET ops/s vs redis-benchmark -P 16 on the same server (ATB_TEST_REDIS or arg)";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var endpoint = args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("ATB_TEST_REDIS")
            ?? throw new InvalidOperationException("Give the Redis endpoint as an argument or in ATB_TEST_REDIS (scripts/servers/redis.sh start writes it).");
        var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
        var options = RedisConnectionOptions.Parse(endpoint, "the benchmark argument");

        var reference = await RunRedisBenchmarkAsync(options, requests, ct);

        await using var connection = new RedisConnection(options);
        var client = new RedisClient(connection);
        await client.SetAsync("atb:bench:key", "xxx", ct: ct);
        // Warm-up: JIT, thread pool, socket buffers.
        await RunOursAsync(requests / 2, () => client.SetAsync("atb:bench:key", "xxx", ct: ct));
        await RunOursAsync(requests / 2, () => client.GetAsync("atb:bench:key", ct));
        var (set, setCpu) = await RunOursAsync(requests, () => client.SetAsync("atb:bench:key", "xxx", ct: ct));
        var (get, getCpu) = await RunOursAsync(requests, () => client.GetAsync("atb:bench:key", ct));
        await client.DeleteAsync("atb:bench:key", ct);

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
            target = "ours >= 50% of redis-benchmark",
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
