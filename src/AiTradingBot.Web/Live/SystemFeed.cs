using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Web.Live;

/// <summary>One reading of every system.</summary>
public sealed record SystemsSnapshot(IReadOnlyList<SystemReport> Systems, bool Demo, string? Error, DateTimeOffset At);

/// <summary>
/// Reads every system once per <c>Web:LiveInterval</c> while at least one page listens, and pushes the snapshot to
/// every open page (one poll for all sessions, not one per session).
/// </summary>
public sealed class SystemFeed(IServiceProvider services, TimeProvider time, IOptions<WebOptions> options, ILogger<SystemFeed> logger) : IAsyncDisposable
{
    private static readonly Principal Reader = new("web-live", "dashboard", UserRole.Viewer);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private Action<SystemsSnapshot>[] _listeners = [];
    private Task? _loop;

    /// <summary>The newest snapshot, or null before the first reading.</summary>
    public SystemsSnapshot? Latest { get; private set; }

    /// <summary>Listens until the result is disposed; starts polling on the first listener.</summary>
    public IDisposable Subscribe(Action<SystemsSnapshot> listener)
    {
        lock (_gate)
        {
            _listeners = [.. _listeners, listener];
            _loop ??= Task.Run(() => LoopAsync(_stopping.Token));
        }
        return new Subscription(this, listener);
    }

    /// <summary>Reads now (the first render does not wait for the next tick).</summary>
    public async Task<SystemsSnapshot> ReadAsync(CancellationToken ct)
    {
        var web = services.GetRequiredService<WebChannel>();
        try
        {
            var r = await web.SystemsAsync(Reader, ct).ConfigureAwait(false);
            return Latest = new SystemsSnapshot(r.Systems, r.Demo, null, time.GetUtcNow());
        }
        catch (WebRequestException e)
        {
            return Latest = new SystemsSnapshot(Latest?.Systems ?? [], Latest?.Demo ?? false, e.Message, time.GetUtcNow());
        }
    }

    private async Task LoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Value.LiveInterval, time);
        do
        {
            Action<SystemsSnapshot>[] listeners;
            lock (_gate) listeners = _listeners;
            if (listeners.Length == 0) continue;
            try
            {
                var snapshot = await ReadAsync(ct).ConfigureAwait(false);
                foreach (var l in listeners)
                {
                    try { l(snapshot); }
                    catch (Exception e) { logger.LogDebug(e, "A dashboard page failed to take a system update"); }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reading the systems for the dashboard failed");
            }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }

    private void Unsubscribe(Action<SystemsSnapshot> listener)
    {
        lock (_gate) _listeners = _listeners.Where(l => l != listener).ToArray();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
        }
        _stopping.Dispose();
    }

    private sealed class Subscription(SystemFeed owner, Action<SystemsSnapshot> listener) : IDisposable
    {
        public void Dispose() => owner.Unsubscribe(listener);
    }
}
