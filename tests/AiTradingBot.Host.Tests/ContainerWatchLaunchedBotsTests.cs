using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Docker;
using AiTradingBot.Hosting;
using AiTradingBot.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// The container watch follows bots launched with /launch (the managed label) on every Docker host, not only the
/// configured systems: a bot appears when it starts (or in the listing of the first reconciliation), gets the same
/// died/restarted alerts and aitradingbot_container_restarts_total{system}, and is forgotten when removed. Against the two
/// shared Podman hosts of scripts/servers/podman.sh (default and b).
/// </summary>
[Collection(typeof(AloneWithThePodmanHosts))]
public sealed class ContainerWatchLaunchedBotsTests : IAsyncDisposable
{
    private readonly TwoDockerHosts _hosts = TwoDockerHosts.Shared("watch");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly InMemoryKeyValueStore _store = new(TimeProvider.System);
    private readonly RecordingChannel _channel = new();
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<(string System, long Value)> _restarts = new();
    private ContainerWatchService? _service;

    public ContainerWatchLaunchedBotsTests()
    {
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == AiTradingBotTelemetry.Name && instrument.Name == "aitradingbot.container.restarts") listener.EnableMeasurementEvents(instrument);
        };
        _meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var t in tags)
                if (t.Key == "system") _restarts.Enqueue((t.Value?.ToString() ?? "", value));
        });
        _meters.Start();
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.StopAsync(CancellationToken.None);
            _service.Dispose();
        }
        _meters.Dispose();
        await _hosts.DisposeAsync();
    }

    private sealed class RecordingChannel : INotificationChannel
    {
        public ConcurrentQueue<Notification> Received { get; } = new();

        public string Name => "test";

        public Task SendAsync(Notification notification, CancellationToken ct)
        {
            Received.Enqueue(notification);
            return Task.CompletedTask;
        }

        public List<Notification> About(string container) => Received.Where(r => r.Text.Contains(container, StringComparison.Ordinal)).ToList();

        public int Count(NotificationKind kind, string container) => About(container).Count(r => r.Kind == kind);
    }

    /// <summary>A runtime without an event stream (as the demo's), so only the reconciliation can see changes.</summary>
    private sealed class WithoutEvents(IContainerRuntime inner) : IContainerRuntime
    {
        public string Description => inner.Description;

        public bool IsDemo => inner.IsDemo;

        public IReadOnlyList<string> Hosts => inner.Hosts;

        public IContainerRuntime OnHost(string host) => new WithoutEvents(inner.OnHost(host));

        public IAsyncEnumerable<ContainerEvent>? WatchEvents(DateTimeOffset? since, CancellationToken ct) => null;

        public Task<ContainerInfo> InspectAsync(string container, CancellationToken ct) => inner.InspectAsync(container, ct);

        public Task<ContainerStats> GetStatsAsync(string container, CancellationToken ct) => inner.GetStatsAsync(container, ct);

        public Task<ContainerActionResult> StartAsync(string container, CancellationToken ct) => inner.StartAsync(container, ct);

        public Task<ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct) => inner.StopAsync(container, timeout, ct);

        public Task<ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct) => inner.RestartAsync(container, timeout, ct);

        public Task<IReadOnlyList<LogLine>> GetLogsAsync(string container, LogQuery query, CancellationToken ct) => inner.GetLogsAsync(container, query, ct);

        public Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct) => inner.ExecAsync(container, argv, ct);

        public Task<IReadOnlyList<ContainerSummary>> ListAsync(string? label, CancellationToken ct) => inner.ListAsync(label, ct);

        public Task<ContainerInfo> LaunchAsync(LaunchRequest request, CancellationToken ct) => inner.LaunchAsync(request, ct);

        public Task RemoveAsync(string container, bool force, CancellationToken ct) => inner.RemoveAsync(container, force, ct);
    }

    /// <summary>Starts a watch over both hosts with no configured system at all; reconciliation only every 5 minutes unless told.</summary>
    private async Task<ContainerWatchService> StartWatchAsync(int reconcileSeconds = 300, bool events = true)
    {
        IContainerRuntime runtime = new DockerHostRouter([
            new DockerContainerRuntime(new DockerEngineClient(new DockerOptions { Endpoint = _hosts.EndpointA })),
            new DockerContainerRuntime(new DockerEngineClient(new DockerOptions { Endpoint = _hosts.EndpointB }, host: "b")),
        ]);
        if (!events) runtime = new WithoutEvents(runtime);
        var hub = new NotificationHub([_channel], Options.Create(new NotificationOptions()), NullLogger<NotificationHub>.Instance);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Assistant:WatchIntervalSeconds"] = reconcileSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var service = new ContainerWatchService(runtime, new SystemRegistry([]), _store, hub, configuration, NullLogger<ContainerWatchService>.Instance);
        var reconciled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        service.Progress += p => { if (p == "reconciled") reconciled.TrySetResult(); };
        _service = service;
        await service.StartAsync(_ct);
        await reconciled.Task.WaitAsync(TimeSpan.FromSeconds(60), _ct);
        await Task.Delay(500, _ct); // the events requests are on their way
        return service;
    }

    private Task PodmanOnBAsync(params string[] args) => PodmanOnBAsync(0, args);

    private async Task PodmanOnBAsync(int expectedExit, params string[] args)
    {
        var psi = new ProcessStartInfo("podman",
            ["--root", Integration.Require("ATB_TEST_PODMAN_B_ROOT", "Host b's storage root"), "--runroot", Integration.Require("ATB_TEST_PODMAN_B_RUNROOT", "Host b's run root"), .. args])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["CONTAINERS_CONF"] = Integration.Require("ATB_TEST_PODMAN_B_CONTAINERS_CONF", "Host b's containers.conf");
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync(_ct);
        await p.StandardOutput.ReadToEndAsync(_ct);
        await p.WaitForExitAsync(_ct);
        Assert.True(p.ExitCode == expectedExit, $"podman {string.Join(' ', args)} exited {p.ExitCode}: {await err}");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > TimeSpan.FromSeconds(seconds)) Assert.Fail($"{what} did not happen within {seconds} s");
            await Task.Delay(25);
        }
    }

    private long RestartsCounted(string system) => _restarts.Where(r => r.System == system).Sum(r => r.Value);

    [Fact]
    public async Task A_bot_launched_on_the_second_host_is_watched_from_its_start_until_it_is_removed()
    {
        var service = await StartWatchAsync();
        var bot = $"wbot{_hosts.Run}";

        await _hosts.LaunchAsync(_hosts.B, bot, _ct);
        await WaitForAsync(() => service.WatchedLaunchedBots.Contains($"b/{bot}"), "watching the launched bot");
        Assert.DoesNotContain($"default/{bot}", service.WatchedLaunchedBots);
        Assert.Empty(_channel.About(bot)); // its launch is no restart

        // Killed behind the assistant's back: died.
        await PodmanOnBAsync("kill", bot);
        await WaitForAsync(() => _channel.Count(NotificationKind.ContainerDied, bot) == 1, "the ContainerDied of the bot");
        var died = _channel.About(bot).Single();
        Assert.Contains($"launched bot {bot} (on b) stopped unexpectedly (exit code 137)", died.Text);

        // Started again by someone else: restarted, and counted under the bot's name.
        await _hosts.B.StartAsync(bot, _ct);
        await WaitForAsync(() => _channel.Count(NotificationKind.ContainerRestarted, bot) == 1, "the ContainerRestarted of the bot");
        Assert.Contains($"launched bot {bot} (on b) restarted unexpectedly", _channel.About(bot).Last().Text);
        await WaitForAsync(() => RestartsCounted(bot) == 1, "aitradingbot_container_restarts_total{system=bot}");

        // Removed by the assistant (/remove marks the change as its own): no alert, and no longer watched.
        await _store.SetAsync(ContainerHosts.ExpectedChangeKey("b", bot), "1", TimeSpan.FromMinutes(2), _ct);
        await _hosts.B.RemoveAsync(bot, force: true, _ct);
        await WaitForAsync(() => !service.WatchedLaunchedBots.Contains($"b/{bot}"), "forgetting the removed bot");
        await Task.Delay(1000, _ct);
        Assert.Equal(2, _channel.About(bot).Count);
        Assert.Equal(1, RestartsCounted(bot));
    }

    [Fact]
    public async Task A_launched_bot_turning_unhealthy_is_reported_from_its_health_event()
    {
        // Reconciliation only every 5 minutes: the report can only come from the events stream.
        var service = await StartWatchAsync();
        var bot = $"hbot{_hosts.Run}";
        _hosts.Track(_hosts.B, bot);
        // A health check that always fails, run by hand (no systemd timers here); one failure makes it unhealthy.
        await PodmanOnBAsync("run", "-d", "--name", bot, "--label", "aitradingbot.managed=true", "--health-cmd", "exit 1", "--health-retries", "1",
            "--health-interval", "0", _hosts.Image, "/bin/sh", "-c", TwoDockerHosts.Ticks);
        await WaitForAsync(() => service.WatchedLaunchedBots.Contains($"b/{bot}"), "watching the bot");

        await PodmanOnBAsync(1, "healthcheck", "run", bot);

        await WaitForAsync(() => _channel.Count(NotificationKind.System, bot) == 1, "the unhealthy notification");
        Assert.Contains($"launched bot {bot} (on b) is unhealthy", _channel.About(bot).Single().Text);
    }

    [Fact]
    public async Task A_bot_launched_before_the_watch_started_is_found_by_the_listing_and_a_removal_by_hand_is_reported()
    {
        var bot = $"lbot{_hosts.Run}";
        await _hosts.LaunchAsync(_hosts.A, bot, _ct);
        var unmanaged = $"atbt-u-{_hosts.Run}";
        _hosts.Track(_hosts.A, unmanaged);
        await _hosts.A.LaunchAsync(new LaunchRequest(unmanaged, _hosts.Image, ["/bin/sh", "-c", TwoDockerHosts.Ticks],
            new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(5), "no"), _ct);

        var service = await StartWatchAsync();
        Assert.Contains($"default/{bot}", service.WatchedLaunchedBots);

        await _hosts.A.RestartAsync(bot, TimeSpan.FromSeconds(5), _ct);
        await WaitForAsync(() => _channel.Count(NotificationKind.ContainerRestarted, bot) >= 1, "the ContainerRestarted of the bot");
        await Task.Delay(1000, _ct);
        // Every restart alert is counted once, under the bot's name.
        Assert.Equal(_channel.Count(NotificationKind.ContainerRestarted, bot), RestartsCounted(bot));
        Assert.Contains($"launched bot {bot} (on default) restarted unexpectedly", _channel.About(bot).First(n => n.Kind == NotificationKind.ContainerRestarted).Text);

        // Removed by hand while running: it died unexpectedly, then it is gone.
        var before = _channel.Count(NotificationKind.ContainerDied, bot);
        await _hosts.A.RemoveAsync(bot, force: true, _ct);
        await WaitForAsync(() => _channel.Count(NotificationKind.ContainerDied, bot) == before + 1, "the ContainerDied of the removal");
        await WaitForAsync(() => !service.WatchedLaunchedBots.Contains($"default/{bot}"), "forgetting the removed bot");
    }

    [Fact]
    public async Task Without_events_the_reconciliation_alone_finds_a_new_bot_reports_its_death_and_forgets_it_once_removed()
    {
        // No event stream, reconciliation every 2 s; the bot is launched, killed and removed on b while the watch runs.
        var service = await StartWatchAsync(reconcileSeconds: 2, events: false);
        var bot = $"rbot{_hosts.Run}";
        await _hosts.LaunchAsync(_hosts.B, bot, _ct);
        await WaitForAsync(() => service.WatchedLaunchedBots.Contains($"b/{bot}"), "watching the launched bot");
        // Inspected by a reconciliation as running before it is killed (the first sight is only remembered).
        await Task.Delay(TimeSpan.FromSeconds(5), _ct);
        await PodmanOnBAsync("kill", bot);
        await WaitForAsync(() => _channel.Count(NotificationKind.ContainerDied, bot) == 1, "the ContainerDied of the bot, from the reconciliation");
        await _store.SetAsync(ContainerHosts.ExpectedChangeKey("b", bot), "1", TimeSpan.FromMinutes(2), _ct);
        await _hosts.B.RemoveAsync(bot, force: true, _ct);
        await WaitForAsync(() => !service.WatchedLaunchedBots.Contains($"b/{bot}"), "forgetting the removed bot");
        // Several reconciliations later it has not come back, and nothing was said about it.
        await Task.Delay(TimeSpan.FromSeconds(5), _ct);
        Assert.DoesNotContain($"b/{bot}", service.WatchedLaunchedBots);
        Assert.Single(_channel.About(bot));
    }
}

/// <summary>
/// Runs its classes after every parallel test, one at a time: the restart counter is process-wide, and a <c>run</c>
/// host started by another test watches the same shared Podman hosts, so it would count the same launched bots.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class AloneWithThePodmanHosts;
