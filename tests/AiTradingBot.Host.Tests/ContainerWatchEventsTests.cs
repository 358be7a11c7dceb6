using System.Collections.Concurrent;
using System.Diagnostics;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
using AiTradingBot.Docker;
using AiTradingBot.Hosting;
using AiTradingBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// The container watch against Podman's real <c>/events</c> stream: a container killed behind the assistant's back is
/// reported within two seconds, and an events stream that drops and comes back loses and repeats nothing.
/// </summary>
public sealed class ContainerWatchEventsTests : IAsyncDisposable
{
    private const string Ticks = "trap 'exit 0' TERM; while true; do sleep 0.2; done";
    private readonly string _endpoint = Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
    private readonly string _image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
    private readonly string _conf = Integration.Require("ATB_TEST_PODMAN_CONTAINERS_CONF", "Podman's containers.conf");
    private readonly string _root = Integration.Require("ATB_TEST_PODMAN_ROOT", "Podman's storage root");
    private readonly string _runroot = Integration.Require("ATB_TEST_PODMAN_RUNROOT", "Podman's run root");
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly DockerEngineClient _docker;
    private readonly List<string> _made = [];
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private Process? _service;

    public ContainerWatchEventsTests() => _docker = new DockerEngineClient(new DockerOptions { Endpoint = _endpoint });

    public async ValueTask DisposeAsync()
    {
        if (_service is { HasExited: false }) _service.Kill();
        _service?.Dispose();
        foreach (var name in _made)
        {
            try { await _docker.RemoveAsync(name, force: true, CancellationToken.None); }
            catch (ContainerRuntimeException) { /* not created */ }
        }
        _docker.Dispose();
    }

    private sealed class RecordingChannel : INotificationChannel
    {
        public ConcurrentQueue<(Notification Notification, long At)> Received { get; } = new();

        public string Name => "test";

        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            Received.Enqueue((notification, Stopwatch.GetTimestamp()));
            return Task.CompletedTask;
        }

        public int Count(NotificationKind kind, string text) => Received.Count(r => r.Notification.Kind == kind && r.Notification.Text.Contains(text, StringComparison.Ordinal));
    }

    private async Task<string> LaunchAsync(string role)
    {
        var name = $"atbt-w{role}-{_run}";
        _made.Add(name);
        await _docker.LaunchAsync(new LaunchRequest(name, _image, ["/bin/sh", "-c", Ticks], new Dictionary<string, string>(),
            new Dictionary<string, string>(), TimeSpan.FromSeconds(5), "no"), _ct);
        return name;
    }

    private (ContainerWatchService Service, RecordingChannel Channel, TaskCompletionSource Reconciled) Watch(string endpoint, int reconcileSeconds, params (string System, string Container)[] watched)
    {
        var runtime = new DockerHostRouter([new DockerContainerRuntime(new DockerEngineClient(new DockerOptions { Endpoint = endpoint }))]);
        var systems = new SystemRegistry(watched.Select(w => new SystemDefinition(w.System, w.Container, [], SystemRole.Trading, new Dictionary<string, IReadOnlyList<string>>())));
        var channel = new RecordingChannel();
        var hub = new NotificationHub([channel], Options.Create(new NotificationOptions()), NullLogger<NotificationHub>.Instance);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Assistant:WatchIntervalSeconds"] = reconcileSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) }).Build();
        var service = new ContainerWatchService(runtime, systems, new InMemoryKeyValueStore(TimeProvider.System), hub, configuration, NullLogger<ContainerWatchService>.Instance);
        var reconciled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        service.Progress += p => { if (p == "reconciled") reconciled.TrySetResult(); };
        return (service, channel, reconciled);
    }

    private async Task PodmanAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("podman", ["--root", _root, "--runroot", _runroot, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["CONTAINERS_CONF"] = _conf;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync(_ct);
        await p.StandardOutput.ReadToEndAsync(_ct);
        await p.WaitForExitAsync(_ct);
        Assert.True(p.ExitCode == 0, $"podman {string.Join(' ', args)}: {await err}");
    }

    private async Task StartPrivateServiceAsync(string socket)
    {
        File.Delete(socket);
        var psi = new ProcessStartInfo("podman", ["--root", _root, "--runroot", _runroot, "system", "service", "--time=0", "unix://" + socket])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["CONTAINERS_CONF"] = _conf;
        _service = Process.Start(psi)!;
        _service.OutputDataReceived += (_, _) => { };
        _service.ErrorDataReceived += (_, _) => { };
        _service.BeginOutputReadLine();
        _service.BeginErrorReadLine();
        using var probe = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, t) =>
            {
                var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(socket), t);
                return new System.Net.Sockets.NetworkStream(s, ownsSocket: true);
            },
        });
        for (var i = 0; i < 200; i++)
        {
            try
            {
                using var r = await probe.GetAsync("http://d/_ping", _ct);
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // not up yet
            }
            await Task.Delay(100, _ct);
        }
        Assert.Fail("the private podman service did not start");
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan within, string what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > within) Assert.Fail($"{what} did not happen within {within.TotalSeconds:0} s");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task A_trading_container_killed_behind_the_assistants_back_is_reported_within_two_seconds()
    {
        var alpha = await LaunchAsync("kill");
        // Reconciliation only every 5 minutes: the report can only come from the events stream.
        var (service, channel, reconciled) = Watch(_endpoint, 300, ("alpha", alpha));
        await service.StartAsync(_ct);
        try
        {
            await reconciled.Task.WaitAsync(TimeSpan.FromSeconds(30), _ct);
            await Task.Delay(500, _ct); // the events request is on its way

            await PodmanAsync("kill", alpha);
            var killed = Stopwatch.GetTimestamp();

            await WaitForAsync(() => channel.Count(NotificationKind.ContainerDied, alpha) > 0, TimeSpan.FromSeconds(10), "the ContainerDied notification");
            // Launched bots of other tests share this host and are watched too: take alpha's.
            var (notification, at) = channel.Received.First(r => r.Notification.Kind == NotificationKind.ContainerDied && r.Notification.Text.Contains(alpha, StringComparison.Ordinal));
            var latency = Stopwatch.GetElapsedTime(killed, at);
            Assert.True(latency < TimeSpan.FromSeconds(2), $"notified {latency.TotalMilliseconds:0} ms after the kill");
            Assert.Contains("alpha", notification.Text);
            Assert.Contains("exit code 137", notification.Text);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
        }
    }

    [Fact]
    public async Task An_events_stream_dropped_and_restored_loses_no_notification_and_repeats_none()
    {
        var before = await LaunchAsync("before");
        var during = await LaunchAsync("during");
        var socket = Path.Combine(Path.GetTempPath(), $"atbt-watch-{Guid.NewGuid():N}.sock");
        await StartPrivateServiceAsync(socket);
        // Reconciliation every 2 s as well: neither it nor the replay after reconnecting may repeat a notification.
        var (service, channel, reconciled) = Watch("unix://" + socket, 2, ("alpha", before), ("bravo", during));
        await service.StartAsync(_ct);
        try
        {
            await reconciled.Task.WaitAsync(TimeSpan.FromSeconds(30), _ct);
            await Task.Delay(500, _ct);

            await PodmanAsync("kill", before);
            await WaitForAsync(() => channel.Count(NotificationKind.ContainerDied, before) == 1, TimeSpan.FromSeconds(10), "the first ContainerDied");

            // The daemon's API goes away (the stream drops); a container dies meanwhile; the API comes back.
            _service!.Kill();
            await _service.WaitForExitAsync(_ct);
            _service.Dispose();
            _service = null;
            await PodmanAsync("kill", during);
            await Task.Delay(1000, _ct);
            await StartPrivateServiceAsync(socket);

            await WaitForAsync(() => channel.Count(NotificationKind.ContainerDied, during) >= 1, TimeSpan.FromSeconds(45), "the ContainerDied of the outage");
            // Long enough for several reconciliations and any replay to have shown a duplicate.
            await Task.Delay(TimeSpan.FromSeconds(6), _ct);

            Assert.Equal(1, channel.Count(NotificationKind.ContainerDied, before));
            Assert.Equal(1, channel.Count(NotificationKind.ContainerDied, during));
            // Nothing else about these two (launched bots of other tests on this host are watched as well and may be reported).
            Assert.Equal(2, channel.Received.Count(r => r.Notification.Text.Contains(before, StringComparison.Ordinal) || r.Notification.Text.Contains(during, StringComparison.Ordinal)));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
            service.Dispose();
            File.Delete(socket);
        }
    }
}
