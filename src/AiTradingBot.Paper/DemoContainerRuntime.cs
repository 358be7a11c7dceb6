using System.Collections.Concurrent;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;

namespace AiTradingBot.Paper;

/// <summary>
/// Simulated containers for the configured systems, used only when no Docker endpoint is configured and none
/// answers at the default socket. Every reply that comes from it is labelled DEMO. State lives in memory.
/// </summary>
public sealed class DemoContainerRuntime : IContainerRuntime
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, DemoContainer> _containers = new(StringComparer.Ordinal);

    private sealed class DemoContainer
    {
        public required string Name { get; init; }
        public bool Running { get; set; } = true;
        public DateTimeOffset StartedAt { get; set; }
        public DateTimeOffset? FinishedAt { get; set; }
        public int Restarts { get; set; }
        public bool Managed { get; init; }
        public string Image { get; init; } = "demo/trading-bot:latest";
    }

    /// <summary>Creates demo containers for every configured system, running since start-up.</summary>
    public DemoContainerRuntime(SystemRegistry systems, TimeProvider time)
    {
        _time = time;
        var start = time.GetUtcNow().AddHours(-3);
        foreach (var s in systems.Systems) _containers[s.Container] = new DemoContainer { Name = s.Container, StartedAt = start };
    }

    /// <inheritdoc />
    public string Description => "DEMO (no Docker endpoint configured or reachable; systems are simulated)";

    /// <inheritdoc />
    public bool IsDemo => true;

    /// <inheritdoc />
    public Task<ContainerInfo> InspectAsync(string container, CancellationToken ct)
    {
        var c = Get(container);
        return Task.FromResult(new ContainerInfo(c.Name, $"demo-{c.Name}", c.Running ? "running" : "exited", c.Running, c.Running ? "healthy" : null, c.Restarts,
            c.StartedAt, c.FinishedAt, c.Running ? 0 : 143, false, c.Image, Labels(c), "unless-stopped"));
    }

    /// <inheritdoc />
    public Task<ContainerStats> GetStatsAsync(string container, CancellationToken ct)
    {
        var c = Get(container);
        var h = (uint)c.Name.GetHashCode(StringComparison.Ordinal);
        return Task.FromResult(c.Running
            ? new ContainerStats(0.5 + h % 300 / 100.0, (48L + h % 64) << 20, 256L << 20, 4)
            : new ContainerStats(null, null, null, null));
    }

    /// <inheritdoc />
    public Task<ContainerActionResult> StartAsync(string container, CancellationToken ct)
    {
        var c = Get(container);
        if (c.Running) return Task.FromResult(new ContainerActionResult(container, true, TimeSpan.Zero));
        c.Running = true;
        c.StartedAt = _time.GetUtcNow();
        return Task.FromResult(new ContainerActionResult(container, false, TimeSpan.FromMilliseconds(300)));
    }

    /// <inheritdoc />
    public Task<ContainerActionResult> StopAsync(string container, TimeSpan timeout, CancellationToken ct)
    {
        var c = Get(container);
        if (!c.Running) return Task.FromResult(new ContainerActionResult(container, true, TimeSpan.Zero));
        c.Running = false;
        c.FinishedAt = _time.GetUtcNow();
        return Task.FromResult(new ContainerActionResult(container, false, TimeSpan.FromMilliseconds(800)));
    }

    /// <inheritdoc />
    public Task<ContainerActionResult> RestartAsync(string container, TimeSpan timeout, CancellationToken ct)
    {
        var c = Get(container);
        c.Running = true;
        c.StartedAt = _time.GetUtcNow();
        c.Restarts++;
        return Task.FromResult(new ContainerActionResult(container, false, TimeSpan.FromMilliseconds(1100)));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LogLine>> GetLogsAsync(string container, LogQuery query, CancellationToken ct)
    {
        var c = Get(container);
        var now = _time.GetUtcNow();
        var from = query.Since is { } since ? now - since : now.AddHours(-1);
        var lines = new List<LogLine>();
        for (var t = now; t >= from && lines.Count < 5 * query.Tail; t = t.AddSeconds(-15))
        {
            var n = t.ToUnixTimeSeconds() / 15;
            var text = n % 17 == 0 ? $"[DEMO] ERROR order rejected by venue (simulated), retrying" : n % 5 == 0 ? $"[DEMO] heartbeat ok, positions synced" : $"[DEMO] tick {n % 100000}: strategy evaluated, no signal";
            lines.Add(new LogLine(n % 17 == 0 ? LogStream.Stderr : LogStream.Stdout, $"{c.Name} {text}", t));
        }
        lines.Reverse();
        IEnumerable<LogLine> result = lines;
        if (query.Grep is { } g) result = result.Where(l => l.Text.Contains(g, StringComparison.OrdinalIgnoreCase));
        return Task.FromResult<IReadOnlyList<LogLine>>(result.TakeLast(query.Tail).ToList());
    }

    /// <inheritdoc />
    public Task<ExecResult> ExecAsync(string container, IReadOnlyList<string> argv, CancellationToken ct)
    {
        var c = Get(container);
        return Task.FromResult(c.Running
            ? new ExecResult(0, $"[DEMO] would run: {string.Join(' ', argv)}\nhealthy", false)
            : throw new ContainerRuntimeConflictException(409, $"Container {container} is not running (DEMO)."));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ContainerSummary>> ListAsync(string? label, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<ContainerSummary>>(_containers.Values
            .Where(c => label is null || (c.Managed && label.StartsWith("aitradingbot.managed", StringComparison.Ordinal)))
            .Select(c => new ContainerSummary($"demo-{c.Name}", c.Name, c.Running ? "running" : "exited", c.Running ? "Up (demo)" : "Exited (demo)", c.Image, new Dictionary<string, string>()))
            .ToList());

    /// <inheritdoc />
    public Task<ContainerInfo> LaunchAsync(LaunchRequest request, CancellationToken ct)
    {
        if (!_containers.TryAdd(request.Name, new DemoContainer { Name = request.Name, StartedAt = _time.GetUtcNow(), Managed = true, Image = request.Image }))
            throw new ContainerRuntimeConflictException(409, $"A container named {request.Name} already exists (DEMO).");
        return InspectAsync(request.Name, ct);
    }

    /// <inheritdoc />
    public Task RemoveAsync(string container, bool force, CancellationToken ct)
    {
        var c = Get(container);
        if (!c.Managed) throw new ContainerRuntimeConflictException(403, $"{container} is not a managed container; it is never removed.");
        _containers.TryRemove(container, out _);
        return Task.CompletedTask;
    }

    private static Dictionary<string, string> Labels(DemoContainer c) => c.Managed
        ? new() { ["aitradingbot.demo"] = "true", ["aitradingbot.managed"] = "true" }
        : new() { ["aitradingbot.demo"] = "true" };

    private DemoContainer Get(string container) =>
        _containers.TryGetValue(container, out var c) ? c : throw new ContainerNotFoundException(container, $"Container {container} does not exist (DEMO). Check the Systems: configuration.");
}
