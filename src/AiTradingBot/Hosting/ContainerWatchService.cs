using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution.Handlers;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Telemetry;

namespace AiTradingBot.Hosting;

/// <summary>
/// Notices a trading container that died, restarted or turned unhealthy when nobody asked it to (the assistant marks its
/// own stops, restarts and removals), and notifies the operators. Watches the configured trading systems and every bot the
/// assistant launched (the managed label) on every Docker host: a launched bot is watched from its start event (or the
/// next reconciliation's listing) until it is removed. Hears of changes from each host's event stream as they happen,
/// reconnecting (and replaying from the last event seen) when the stream drops; a periodic reconciliation
/// (<c>Assistant:WatchIntervalSeconds</c>) lists the launched bots and inspects every container so a change the stream
/// missed is still reported once. Runtimes without an event stream (the demo) are reconciled only.
/// </summary>
public sealed partial class ContainerWatchService(
    IContainerRuntime runtime, SystemRegistry systems, IKeyValueStore store, NotificationHub notifications, IConfiguration configuration,
    ILogger<ContainerWatchService> logger, TimeProvider? timeProvider = null) : BackgroundService
{
    private const int RememberedEvents = 4096;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string Host, string Container), Known> _known = [];
    // Launched bots being watched (guarded by _gate); the configured systems come from the registry.
    private readonly Dictionary<(string Host, string Container), Watched> _launched = [];
    private readonly HashSet<string> _seen = [];
    private readonly Queue<string> _seenOrder = new();
    private DateTimeOffset _startedAt;

    /// <summary>
    /// What we last knew of a container: <paramref name="DaemonAsOf"/> on the daemon's clock (events older than that are
    /// already reflected), <paramref name="LocalAt"/> on ours (an inspection that started earlier must not overwrite it).
    /// Keeping the clocks apart keeps a remote host with a skewed clock from hiding its events.
    /// </summary>
    private sealed record Known(bool Running, int? RestartCount, DateTimeOffset? StartedAt, string? Health, DateTimeOffset DaemonAsOf, DateTimeOffset LocalAt);

    /// <summary>
    /// A watched container: a configured system (<paramref name="Name"/> is the system's) or a launched bot (the bot's name
    /// is its container's). <paramref name="Since"/>: when a launched bot was first seen, on our clock, so a listing that
    /// started earlier does not drop it.
    /// </summary>
    private sealed record Watched(string Name, string Host, string Container, bool Launched, DateTimeOffset Since);

    /// <summary>The launched bots being watched now, as <c>host/container</c>; for tests and diagnostics.</summary>
    internal IReadOnlyList<string> WatchedLaunchedBots
    {
        get
        {
            _gate.Wait();
            try { return _launched.Keys.Select(k => $"{k.Host}/{k.Container}").Order(StringComparer.Ordinal).ToList(); }
            finally { _gate.Release(); }
        }
    }

    private IEnumerable<Watched> Configured(string host) =>
        systems.TradingSystems.Where(s => ContainerHosts.Normalize(s.Host) == host)
            .Select(s => new Watched(s.Name, host, s.Container, false, DateTimeOffset.MinValue));

    /// <summary>Every host with a trading system, and every host of the runtime (launched bots may live on any).</summary>
    private List<string> WatchedHosts() =>
        runtime.Hosts.Select(ContainerHosts.Normalize).Concat(systems.TradingSystems.Select(s => ContainerHosts.Normalize(s.Host))).Distinct().ToList();

    /// <summary>Raised after each reconciliation pass and whenever an event stream (re)connects; for tests and diagnostics.</summary>
    internal event Action<string>? Progress;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _startedAt = _time.GetUtcNow();
        var interval = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Assistant:WatchIntervalSeconds", 30)));
        var watchers = WatchedHosts().Select(h => WatchHostAsync(h, stoppingToken)).ToList();
        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            do
            {
                await ReconcileAsync(stoppingToken).ConfigureAwait(false);
                Progress?.Invoke("reconciled");
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
        await Task.WhenAll(watchers).ConfigureAwait(false);
    }

    /// <summary>Follows one host's event stream for as long as the service runs, reconnecting with backoff.</summary>
    private async Task WatchHostAsync(string host, CancellationToken ct)
    {
        var backoff = TimeSpan.FromSeconds(1);
        DateTimeOffset? since = _startedAt;
        var down = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var events = runtime.OnHost(host).WatchEvents(since, ct);
                if (events is null) return; // no event stream: reconciliation alone
                var connected = false;
                await foreach (var e in events.ConfigureAwait(false))
                {
                    if (!connected)
                    {
                        connected = true;
                        if (down) LogStreamBack(host);
                        down = false;
                    }
                    backoff = TimeSpan.FromSeconds(1);
                    since = e.Time;
                    await HandleEventAsync(host, e, ct).ConfigureAwait(false);
                }
                // The daemon closed the stream (restart, proxy timeout): reconnect at once, replaying from the last event.
                LogStreamEnded(host);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (ContainerRuntimeException e)
            {
                if (!down) LogStreamDown(host, e.Message);
                down = true;
            }
            try
            {
                await Task.Delay(backoff, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
            // Whatever happened while the stream was away is caught by the replay and by this host's reconciliation.
            await ReconcileHostAsync(host, ct).ConfigureAwait(false);
        }
    }

    private async Task HandleEventAsync(string host, ContainerEvent e, CancellationToken ct)
    {
        if (e.Time < _startedAt) return;
        var configured = Configured(host).FirstOrDefault(t => string.Equals(t.Container, e.ContainerName, StringComparison.Ordinal));
        if (configured is null && !e.Managed) return;
        if (e is { Kind: ContainerEventKind.HealthChanged, Health: null })
        {
            // Podman's health_status event does not say which status: ask at once rather than wait for the reconciliation.
            try
            {
                // The event can come before the daemon's inspect shows the new status (Podman under load): look again a few
                // times while it still reads "starting" instead of settling for a status that is about to change.
                var health = (await runtime.OnHost(host).InspectAsync(e.ContainerName, ct).ConfigureAwait(false)).Health;
                for (var attempt = 0; attempt < 5 && health is null or "starting"; attempt++)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(400), _time, ct).ConfigureAwait(false);
                    health = (await runtime.OnHost(host).InspectAsync(e.ContainerName, ct).ConfigureAwait(false)).Health;
                }
                e = e with { Health = health };
            }
            catch (ContainerRuntimeException ex)
            {
                LogInspectFailed(e.ContainerName, host, ex.Message);
                return; // the reconciliation will look again
            }
        }
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // A reconnect replays from the last event's second: drop what we have already handled.
            if (!Remember(host + "/" + e.Key)) return;
            var key = (host, e.ContainerName);
            var s = configured ?? _launched.GetValueOrDefault(key);
            if (e.Kind == ContainerEventKind.Removed)
            {
                // A launched bot is gone for good; a configured system's container is reported missing by the reconciliation.
                if (s is { Launched: true })
                {
                    _launched.Remove(key);
                    _known.Remove(key);
                    Progress?.Invoke($"gone {host}/{e.ContainerName}");
                }
                return;
            }
            if (s is null)
            {
                // A bot launched (here or by another instance) since the last listing: watched from now on.
                s = new Watched(e.ContainerName, host, e.ContainerName, true, _time.GetUtcNow());
                _launched[key] = s;
                Progress?.Invoke($"watching {host}/{e.ContainerName}");
            }
            var before = _known.GetValueOrDefault(key);
            if (before is not null && e.Time < before.DaemonAsOf) return; // an inspection after this event already saw its effect
            var at = _time.GetUtcNow();
            var expected = await IsExpectedAsync(s, ct).ConfigureAwait(false);
            switch (e.Kind)
            {
                case ContainerEventKind.Died:
                    _known[key] = new Known(false, before?.RestartCount, before?.StartedAt, before?.Health, e.Time, at);
                    if (!expected && (before?.Running ?? true)) await NotifyDiedAsync(s, e.ExitCode, ct).ConfigureAwait(false);
                    break;
                case ContainerEventKind.Started or ContainerEventKind.Restarted:
                    // Restart count and start time are unknown until the next inspection (which then does not call it a restart).
                    _known[key] = new Known(true, null, null, before?.Health, e.Time, at);
                    if (!expected && (e.Kind == ContainerEventKind.Restarted || before is { Running: false }))
                        await NotifyRestartedAsync(s, null, ct).ConfigureAwait(false);
                    break;
                case ContainerEventKind.HealthChanged:
                    _known[key] = (before ?? new Known(true, null, null, null, e.Time, at)) with { Health = e.Health, DaemonAsOf = e.Time, LocalAt = at };
                    if (e.Health is "unhealthy" && before?.Health is not "unhealthy") await NotifyUnhealthyAsync(s, ct).ConfigureAwait(false);
                    break;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task ReconcileAsync(CancellationToken ct) => Task.WhenAll(WatchedHosts().Select(h => ReconcileHostAsync(h, ct)));

    /// <summary>
    /// Lists the host's launched bots (new ones are watched, removed ones forgotten), then inspects every watched container
    /// of the host and reports a change no event told us about.
    /// </summary>
    private async Task ReconcileHostAsync(string host, CancellationToken ct)
    {
        var listed = _time.GetUtcNow();
        IReadOnlyList<ContainerSummary>? managed = null;
        try
        {
            managed = await runtime.OnHost(host).ListAsync($"{LaunchStepHandler.ManagedLabel}=true", ct).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException e)
        {
            LogListFailed(host, e.Message); // keep watching the bots we know of
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        List<Watched> targets;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (managed is not null) SyncLaunched(host, managed, listed);
            targets = Configured(host).Concat(_launched.Values.Where(w => w.Host == host)).ToList();
        }
        finally
        {
            _gate.Release();
        }

        await Task.WhenAll(targets.Select(async s =>
        {
            var asked = _time.GetUtcNow();
            ContainerInfo now;
            try
            {
                now = await runtime.OnHost(host).InspectAsync(s.Container, ct).ConfigureAwait(false);
            }
            catch (ContainerNotFoundException) when (s.Launched)
            {
                await ForgetAsync(s, asked, ct).ConfigureAwait(false);
                return;
            }
            catch (ContainerRuntimeException e)
            {
                LogInspectFailed(s.Name, host, e.Message);
                return;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var key = (host, s.Container);
                if (s.Launched && !_launched.ContainsKey(key)) return; // removed meanwhile
                var before = _known.GetValueOrDefault(key);
                if (before is not null && before.LocalAt > asked) return; // an event arrived meanwhile and is newer
                // The daemon's own times of the last start and exit: events up to then are reflected in this inspection.
                var daemonAsOf = new[] { now.StartedAt, now.FinishedAt }.Max() ?? DateTimeOffset.MinValue;
                _known[key] = new Known(now.Running, now.RestartCount, now.StartedAt, now.Health, daemonAsOf, _time.GetUtcNow());
                if (before is null) return; // first sight: nothing to compare with
                var expected = await IsExpectedAsync(s, ct).ConfigureAwait(false);
                if (expected) return;
                if (before.Running && !now.Running)
                    await NotifyDiedAsync(s, now.ExitCode, ct).ConfigureAwait(false);
                else if (now.Running && before.RestartCount is { } rc && before.StartedAt is { } b
                         && (now.RestartCount > rc || (now.StartedAt is { } n && n > b)))
                    await NotifyRestartedAsync(s, now.RestartCount, ct).ConfigureAwait(false);
                else if (now.Running && !before.Running)
                    await NotifyRestartedAsync(s, now.RestartCount, ct).ConfigureAwait(false);
                else if (now.Health is "unhealthy" && before.Health is not "unhealthy")
                    await NotifyUnhealthyAsync(s, ct).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        })).ConfigureAwait(false);
    }

    /// <summary>Brings the watched launched bots of a host in line with a listing taken at <paramref name="listed"/> (under the gate).</summary>
    private void SyncLaunched(string host, IReadOnlyList<ContainerSummary> managed, DateTimeOffset listed)
    {
        var names = managed.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var configured = Configured(host).Select(w => w.Container).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names.Where(n => !configured.Contains(n) && !_launched.ContainsKey((host, n))))
        {
            _launched[(host, name)] = new Watched(name, host, name, true, _time.GetUtcNow());
            Progress?.Invoke($"watching {host}/{name}");
        }
        // Gone from the listing and not seen since it started: removed.
        foreach (var gone in _launched.Values.Where(w => w.Host == host && !names.Contains(w.Container) && w.Since < listed).ToList())
        {
            _launched.Remove((host, gone.Container));
            _known.Remove((host, gone.Container));
            Progress?.Invoke($"gone {host}/{gone.Container}");
        }
    }

    private async Task ForgetAsync(Watched s, DateTimeOffset asked, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var key = (s.Host, s.Container);
            if (_launched.TryGetValue(key, out var w) && w.Since < asked)
            {
                _launched.Remove(key);
                _known.Remove(key);
                Progress?.Invoke($"gone {s.Host}/{s.Container}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // While the live-state store (Redis) is down nothing can be confirmed, so no stop or restart was expected.
    private async Task<bool> IsExpectedAsync(Watched s, CancellationToken ct)
    {
        try
        {
            return await store.GetAsync(ContainerHosts.ExpectedChangeKey(s.Host, s.Container), ct).ConfigureAwait(false) is not null;
        }
        catch (LiveStateUnavailableException)
        {
            return false;
        }
    }

    private bool Remember(string key)
    {
        if (!_seen.Add(key)) return false;
        _seenOrder.Enqueue(key);
        if (_seenOrder.Count > RememberedEvents) _seen.Remove(_seenOrder.Dequeue());
        return true;
    }

    private bool ShowHost(string host) => runtime.Hosts.Count > 1 || !ContainerHosts.IsDefault(host);

    private string Where(Watched s) => s.Launched
        ? ShowHost(s.Host) ? $"launched bot {s.Name} (on {s.Host})" : $"launched bot {s.Name}"
        : ShowHost(s.Host) ? $"{s.Name} ({s.Container} on {s.Host})" : $"{s.Name} ({s.Container})";

    // The system commands take configured systems only; a launched bot is looked at on its host (or removed with /remove).
    private static string Hint(Watched s, string command) => s.Launched ? $"/remove {s.Name} if it is no longer wanted." : $"Check {command} {s.Name}.";

    private Task NotifyDiedAsync(Watched s, int? exitCode, CancellationToken ct) =>
        NotifyAsync(NotificationKind.ContainerDied, $"🔴 {Where(s)} stopped unexpectedly (exit code {exitCode?.ToString() ?? "?"}). {Hint(s, "/intel")}", ct);

    private Task NotifyRestartedAsync(Watched s, int? restarts, CancellationToken ct)
    {
        AiTradingBotTelemetry.ContainerRestarts.Add(1, new KeyValuePair<string, object?>("system", s.Name));
        return NotifyAsync(NotificationKind.ContainerRestarted,
            $"🟠 {Where(s)} restarted unexpectedly{(restarts is { } r ? $" (restarts: {r})" : "")}. {Hint(s, "/intel")}", ct);
    }

    private Task NotifyUnhealthyAsync(Watched s, CancellationToken ct) =>
        NotifyAsync(NotificationKind.System, $"🟠 {Where(s)} is unhealthy. {Hint(s, "/diagnostics")}", ct);

    private Task NotifyAsync(NotificationKind kind, string text, CancellationToken ct) =>
        notifications.PublishAsync(new Notification(kind, text, HtmlMarkup.Instance.Escape(text)), ct);

    /// <inheritdoc />
    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Container events of host {Host} unavailable, retrying: {Error}")]
    private partial void LogStreamDown(string host, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Container events of host {Host} are back")]
    private partial void LogStreamBack(string host);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Container events stream of host {Host} ended; reconnecting")]
    private partial void LogStreamEnded(string host);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listing the launched bots of host {Host} failed: {Error}")]
    private partial void LogListFailed(string host, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Watch of {System} on host {Host} failed: {Error}")]
    private partial void LogInspectFailed(string system, string host, string error);
}
