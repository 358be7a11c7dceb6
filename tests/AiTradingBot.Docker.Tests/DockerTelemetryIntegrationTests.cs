using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Docker.Tests;

/// <summary>The meter is process-wide: these tests run alone so no other test's Docker calls land in their counts.</summary>
[CollectionDefinition(nameof(DockerTelemetryCollection), DisableParallelization = true)]
public sealed class DockerTelemetryCollection;

/// <summary>
/// aitradingbot_docker_requests_total{host,operation,outcome}, aitradingbot_docker_request_duration_seconds{host,operation}
/// and one client span per Docker API call, against the two real Podman hosts of scripts/servers/podman.sh (the default
/// host and <c>b</c>), streams (logs, stats, exec, events) included; and a host that is down.
/// </summary>
[Collection(nameof(DockerTelemetryCollection))]
public sealed class DockerTelemetryIntegrationTests : IDisposable
{
    private const string Secret = "s3cr3t-value-that-must-not-leak";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly TelemetryRecorder _recorder = new();

    public void Dispose() => _recorder.Dispose();

    /// <summary>What the meter and the activity source saw.</summary>
    private sealed class TelemetryRecorder : IDisposable
    {
        private readonly MeterListener _meters = new();
        private readonly ActivityListener _activities;

        public TelemetryRecorder()
        {
            _meters.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == AiTradingBotTelemetry.Name && instrument.Name.StartsWith("aitradingbot.docker.", StringComparison.Ordinal))
                    listener.EnableMeasurementEvents(instrument);
            };
            _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
            _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
            _meters.Start();
            _activities = new ActivityListener
            {
                ShouldListenTo = s => s.Name == AiTradingBotTelemetry.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => { if (a.OperationName.StartsWith("docker ", StringComparison.Ordinal)) Spans.Enqueue(a); },
            };
            ActivitySource.AddActivityListener(_activities);
        }

        public ConcurrentQueue<(string Instrument, double Value, Dictionary<string, string> Tags)> Measurements { get; } = new();

        public ConcurrentQueue<Activity> Spans { get; } = new();

        private void Add(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var d = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in tags) d[t.Key] = t.Value?.ToString() ?? "";
            Measurements.Enqueue((i.Name, v, d));
        }

        public List<Dictionary<string, string>> Requests(string host) =>
            Measurements.Where(m => m.Instrument == "aitradingbot.docker.requests" && m.Tags["host"] == host).Select(m => m.Tags).ToList();

        public List<(double Seconds, Dictionary<string, string> Tags)> Durations(string host) =>
            Measurements.Where(m => m.Instrument == "aitradingbot.docker.request.duration" && m.Tags["host"] == host).Select(m => (m.Value, m.Tags)).ToList();

        public List<Activity> SpansOf(string host) => Spans.Where(a => (string?)a.GetTagItem("aitradingbot.docker.host") == host).ToList();

        public void Dispose()
        {
            _meters.Dispose();
            _activities.Dispose();
        }
    }

    private async Task ExerciseEveryKindOfCallAsync(DockerEngineClient client, string image)
    {
        var name = $"atbt-tel-{client.HostName}-{Guid.NewGuid():N}"[..28];
        try
        {
            await client.LaunchAsync(new LaunchRequest(name, image, ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do echo tick; sleep 0.2; done"],
                new Dictionary<string, string> { ["API_SECRET"] = Secret }, new Dictionary<string, string>(), TimeSpan.FromSeconds(2), "no"), _ct);
            await client.InspectAsync(name, _ct);
            await client.GetLogsAsync(name, new LogQuery(5), _ct);
            await client.GetStatsAsync(name, _ct);
            var exec = await client.ExecAsync(name, ["/bin/sh", "-c", "echo $API_SECRET >/dev/null; exit 3"], _ct);
            Assert.Equal(3, exec.ExitCode);
            await Assert.ThrowsAsync<ContainerNotFoundException>(() => client.InspectAsync(name + "-missing", _ct));

            // The events stream: follow it until our restart shows, then stop following (we end it: cancelled).
            using (var watch = CancellationTokenSource.CreateLinkedTokenSource(_ct))
            {
                watch.CancelAfter(TimeSpan.FromSeconds(60));
                var since = DateTimeOffset.UtcNow.AddSeconds(-1);
                var restart = Task.Run(async () =>
                {
                    await Task.Delay(500, _ct);
                    await client.RestartAsync(name, TimeSpan.FromSeconds(2), _ct);
                }, _ct);
                await foreach (var e in client.WatchEventsAsync(since, watch.Token))
                    if (e.ContainerName == name && e.Kind is ContainerEventKind.Started or ContainerEventKind.Restarted) break;
                await restart;
            }
            await client.StopAsync(name, TimeSpan.FromSeconds(2), _ct);
        }
        finally
        {
            await client.RemoveAsync(name, force: true, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Every_docker_call_on_both_hosts_is_counted_timed_and_traced_with_its_own_host_and_operation()
    {
        var image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
        using var a = new DockerEngineClient(new DockerOptions { Endpoint = Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API"), StatsSampleMilliseconds = 300 });
        using var b = new DockerEngineClient(new DockerOptions { Endpoint = Integration.Require("ATB_TEST_DOCKER_B", "The second Podman API service (scripts/servers/podman.sh)"), StatsSampleMilliseconds = 300 }, host: "b");

        await Task.WhenAll(ExerciseEveryKindOfCallAsync(a, image), ExerciseEveryKindOfCallAsync(b, image));
        // The events stream is recorded when its pump ends, just after the enumeration stopped.
        await WaitForAsync(() => _recorder.Requests("b").Any(t => t["operation"] == "watch container events")
                                 && _recorder.Requests("default").Any(t => t["operation"] == "watch container events"));

        string[] expected =
        [
            "ping", "find image", "create container", "start container", "inspect container", "read the logs of container",
            "read the stats of container", "run", "restart container", "watch container events", "stop container", "remove container",
        ];
        foreach (var host in new[] { "default", "b" })
        {
            var requests = _recorder.Requests(host);
            var durations = _recorder.Durations(host);
            var spans = _recorder.SpansOf(host);
            foreach (var op in expected)
                Assert.True(requests.Any(t => t["operation"] == op), $"no {op} request on {host}: {string.Join(", ", requests.Select(t => t["operation"]).Distinct())}");
            Assert.Contains(requests, t => t["operation"] == "watch container events" && t["outcome"] == "cancelled");
            Assert.Contains(requests, t => t["operation"] == "inspect container" && t["outcome"] == "not_found");
            Assert.Contains(requests, t => t["operation"] == "run" && t["outcome"] == "ok");
            // One duration and one span per request, each with the same host and operation.
            Assert.Equal(requests.Count, durations.Count);
            Assert.Equal(requests.Count, spans.Count);
            Assert.Equal(requests.Select(t => t["operation"]).Order(), durations.Select(d => d.Tags["operation"]).Order());
            Assert.Equal(requests.Select(t => t["operation"]).Order(), spans.Select(s => (string)s.GetTagItem("aitradingbot.docker.operation")!).Order());
            Assert.All(durations, d => Assert.InRange(d.Seconds, 0, 120));
            Assert.All(spans, s => Assert.Equal(ActivityKind.Client, s.Kind));
            // The logs and stats streams took real time: their spans are not empty shells.
            Assert.Contains(spans, s => (string?)s.GetTagItem("aitradingbot.docker.operation") == "read the stats of container" && s.Duration > TimeSpan.Zero);
        }
        // The label set stays bounded: no container name, and never an environment value.
        var everything = _recorder.Measurements.SelectMany(m => m.Tags.Values)
            .Concat(_recorder.Spans.SelectMany(s => s.TagObjects.Select(t => t.Value?.ToString() ?? "").Append(s.OperationName).Append(s.DisplayName)))
            .ToList();
        Assert.DoesNotContain(everything, v => v.Contains(Secret, StringComparison.Ordinal));
        Assert.DoesNotContain(everything, v => v.Contains("atbt-tel-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_that_is_down_is_counted_unreachable_on_its_host_and_the_error_names_host_and_endpoint()
    {
        Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
        var dead = "unix://" + Path.Combine(Path.GetTempPath(), $"atbt-telnohost-{Guid.NewGuid():N}.sock");
        using var client = new DockerEngineClient(new DockerOptions { Endpoint = dead }, host: "b");

        var error = await Assert.ThrowsAsync<ContainerRuntimeUnavailableException>(() => client.InspectAsync("alpha", _ct));
        var events = await Assert.ThrowsAsync<ContainerRuntimeUnavailableException>(async () =>
        {
            await foreach (var _ in client.WatchEventsAsync(null, _ct)) { }
        });

        Assert.Contains($"host 'b' ({dead}) is not reachable", error.Message);
        Assert.Contains("Docker:Hosts:b:Endpoint", error.Message);
        Assert.Contains(dead, events.Message);
        var requests = _recorder.Requests("b");
        Assert.Equal(2, requests.Count);
        Assert.All(requests, t => Assert.Equal(("ping", "unreachable"), (t["operation"], t["outcome"])));
        Assert.Equal(2, _recorder.Durations("b").Count);
        Assert.All(_recorder.SpansOf("b"), s => Assert.Equal(ActivityStatusCode.Error, s.Status));
        Assert.Equal(2, _recorder.SpansOf("b").Count);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(30)) Assert.Fail("the events stream's request was not recorded within 30 s");
            await Task.Delay(25);
        }
    }
}
