using System.Diagnostics;
using AiTradingBot.Core;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Execution.Handlers;
using AiTradingBot.Docker;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Sitrep over N running containers on a real Docker-compatible API (Podman from scripts/servers/podman.sh): the core's
/// <see cref="SystemStepHandler"/> fanning out inspect + stats (CPU % and memory) over <see cref="DockerContainerRuntime"/>,
/// against querying the same containers one after another with the same CPU method (the seed's approach).
/// Args: [endpoint] [image] [containers] [second endpoint]; defaults ATB_TEST_DOCKER, ATB_TEST_DOCKER_IMAGE, 50, ATB_TEST_DOCKER_B.
/// With a second endpoint (a second Docker host), the same number of containers is also measured split over both hosts
/// (half on each, <c>Systems:&lt;name&gt;:Host</c>). The containers are launched (managed label) for the run and removed afterwards.
/// </summary>
public sealed class DockerBenchmark : IBenchmark
{
    private const int Repeats = 3;

    /// <inheritdoc />
    public string Name => "docker";

    /// <inheritdoc />
    public string Description => "Sitrep (inspect + CPU % + memory) over 50 real containers: concurrent fan-out vs one-by-one, and split over two hosts";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var endpoint = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("ATB_TEST_DOCKER");
        if (string.IsNullOrWhiteSpace(endpoint))
            return new { error = "No Docker-compatible API: pass an endpoint or set ATB_TEST_DOCKER (scripts/servers/podman.sh start writes it)." };
        var image = args.Length > 1 ? args[1] : Environment.GetEnvironmentVariable("ATB_TEST_DOCKER_IMAGE") ?? "localhost/tbot:1";
        var count = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 50;
        var endpointB = args.Length > 3 ? args[3] : Environment.GetEnvironmentVariable("ATB_TEST_DOCKER_B");

        var options = new DockerOptions { Endpoint = endpoint };
        using var client = new DockerEngineClient(options);
        var run = Guid.NewGuid().ToString("N")[..8];
        var names = Enumerable.Range(0, count).Select(i => $"atbbench-{run}-{i:D2}").ToList();
        using var clientB = string.IsNullOrWhiteSpace(endpointB) ? null : new DockerEngineClient(new DockerOptions { Endpoint = endpointB }, host: "b");
        // For the two-host run: the second half of the systems lives on host b (containers of the same names there).
        var namesOnB = clientB is null ? [] : names.Skip(count / 2).ToList();
        var setup = Stopwatch.StartNew();
        try
        {
            await LaunchAllAsync(client, names, image, ct);
            if (clientB is not null) await LaunchAllAsync(clientB, namesOnB, image, ct);
            setup.Stop();
            var ns = new[] { 10, 25, 50, count }.Where(n => n <= count).Distinct().Order().ToList();

            // One warm-up sitrep (JIT, version negotiation, connection pool) outside the measurements.
            await SitrepThroughHandlerAsync(endpoint, null, names, [], ct);

            var concurrent = new List<object>();
            var medians = new Dictionary<int, double>();
            SitrepSample? lastFull = null;
            foreach (var n in ns)
            {
                var runs = new List<double>();
                for (var r = 0; r < Repeats; r++)
                {
                    var sample = await SitrepThroughHandlerAsync(endpoint, null, names.Take(n).ToList(), [], ct);
                    runs.Add(sample.Ms);
                    if (n == count) lastFull = sample;
                }
                medians[n] = Median(runs);
                concurrent.Add(new { n, medianMs = Round(medians[n]), runsMs = runs.Select(Round).ToList() });
            }

            // The seed's approach: one container after another (inspect, then stats with the same two-sample CPU method).
            var runtime = new DockerContainerRuntime(client);
            var sequentialSw = Stopwatch.StartNew();
            var sequentialWithCpu = 0;
            foreach (var name in names)
            {
                var info = await runtime.InspectAsync(name, ct);
                if (info.Running && (await runtime.GetStatsAsync(name, ct)).CpuPercent is not null) sequentialWithCpu++;
            }
            sequentialSw.Stop();
            var sequentialMs = sequentialSw.Elapsed.TotalMilliseconds;
            var full = medians[count];

            // The same sitrep with the systems split over two hosts.
            object? twoHosts = null;
            if (clientB is not null)
            {
                await SitrepThroughHandlerAsync(endpoint, endpointB, names, namesOnB, ct);
                var runs = new List<double>();
                SitrepSample? last = null;
                for (var r = 0; r < Repeats; r++)
                {
                    last = await SitrepThroughHandlerAsync(endpoint, endpointB, names, namesOnB, ct);
                    runs.Add(last.Ms);
                }
                twoHosts = new
                {
                    endpointB,
                    containersOnDefault = count - namesOnB.Count,
                    containersOnB = namesOnB.Count,
                    medianMs = Round(Median(runs)),
                    runsMs = runs.Select(Round).ToList(),
                    systems = last!.Systems,
                    withCpu = last.WithCpu,
                    errors = last.Errors,
                    under1000Ms = Median(runs) < 1000,
                };
            }

            return new
            {
                endpoint,
                runtime = runtime.Description,
                loadAverageAtEnd = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
                cores = Environment.ProcessorCount,
                containers = count,
                path = "SystemStepHandler.ReportAsync(\"all\") over DockerContainerRuntime (the core's sitrep handler, per-system timeout)",
                cpuMethod = "two stats samples of our own " + options.StatsSampleMilliseconds + " ms apart (Podman leaves precpu_stats zero)",
                setupMs = Round(setup.Elapsed.TotalMilliseconds),
                concurrent,
                concurrentMsAtFull = Round(full),
                perContainerMs = concurrent.Count == 0 ? 0 : Round(full / count),
                flatness = ns.Count > 1 ? Round(medians[ns[^1]] / medians[ns[0]]) : 1,
                sequentialMs = Round(sequentialMs),
                sequentialContainersWithCpu = sequentialWithCpu,
                ratioSequentialOverConcurrent = Round(sequentialMs / full),
                lastFullSitrep = lastFull is null ? null : new
                {
                    systems = lastFull.Systems,
                    withCpu = lastFull.WithCpu,
                    withMemory = lastFull.WithMemory,
                    errors = lastFull.Errors,
                    cpuPercentRange = lastFull.CpuRange,
                },
                twoHosts,
                targets = new { underMsAt50 = 1000, nearFlatInN = true, atLeastTimesFasterThanOneByOne = 20 },
                met = new
                {
                    under1000MsAt50 = count >= 50 && full < 1000,
                    ratioAtLeast20 = sequentialMs / full >= 20,
                },
            };
        }
        finally
        {
            await Task.WhenAll(names.Select(async n =>
            {
                try { await client.RemoveAsync(n, force: true, CancellationToken.None); }
                catch (ContainerRuntimeException) { /* never created, or already gone */ }
            }).Concat(namesOnB.Select(async n =>
            {
                try { await clientB!.RemoveAsync(n, force: true, CancellationToken.None); }
                catch (ContainerRuntimeException) { /* never created, or already gone */ }
            })));
        }
    }

    private static async Task LaunchAllAsync(DockerEngineClient client, IReadOnlyList<string> names, string image, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(4);
        await Task.WhenAll(names.Select(async name =>
        {
            await gate.WaitAsync(ct);
            try
            {
                await client.LaunchAsync(new LaunchRequest(name, image,
                    ["/bin/sh", "-c", "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo \"tick $i\"; sleep 1; done"],
                    new Dictionary<string, string> { ["BOT"] = name }, new Dictionary<string, string> { ["aitradingbot.bench"] = "docker" },
                    TimeSpan.FromSeconds(5), "no"), ct);
            }
            finally
            {
                gate.Release();
            }
        }));
    }

    private sealed record SitrepSample(double Ms, int Systems, int WithCpu, int WithMemory, int Errors, string CpuRange);

    /// <summary>A sitrep of "all" through the core's handler, composed as the host composes it, with these containers as systems.</summary>
    private static async Task<SitrepSample> SitrepThroughHandlerAsync(string endpoint, string? endpointB, IReadOnlyList<string> names,
        IReadOnlyList<string> namesOnB, CancellationToken ct)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Docker:Endpoint"] = endpoint,
            ["Storage:Ephemeral"] = "true",
            ["Assistant:StatusTimeoutSeconds"] = "10",
        };
        if (endpointB is not null) settings["Docker:Hosts:b:Endpoint"] = endpointB;
        foreach (var (name, i) in names.Select((n, i) => (n, i)))
        {
            settings[$"Systems:bot{i:D2}:Container"] = name;
            settings[$"Systems:bot{i:D2}:Role"] = "Trading";
            if (endpointB is not null && namesOnB.Contains(name)) settings[$"Systems:bot{i:D2}:Host"] = "b";
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddAiTradingBotDocker(configuration);
        services.AddAiTradingBotPaper(configuration);
        services.AddAiTradingBotCore(configuration);
        await using var sp = services.BuildServiceProvider();
        var handler = sp.GetRequiredService<SystemStepHandler>();
        // Per provider and host: not part of the sitrep being measured.
        foreach (var host in sp.GetRequiredService<DockerHostRouter>().Runtimes) await host.Client.NegotiateApiVersionAsync(ct);

        var sw = Stopwatch.StartNew();
        var reports = await handler.ReportAsync("all", ct);
        sw.Stop();
        var cpus = reports.Where(r => r.CpuPercent is not null).Select(r => r.CpuPercent!.Value).ToList();
        return new SitrepSample(sw.Elapsed.TotalMilliseconds, reports.Count, cpus.Count,
            reports.Count(r => r.MemoryUsedBytes is not null), reports.Count(r => r.Error is not null),
            cpus.Count == 0 ? "-" : $"{cpus.Min():0.##}..{cpus.Max():0.##}");
    }

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToList();
        return s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
    }

    private static double Round(double v) => Math.Round(v, 1);
}
