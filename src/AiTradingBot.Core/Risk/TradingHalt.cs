using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.Risk;

/// <summary>
/// The killswitch latch. The truth is the durable halt log (relational store: who, when, why, and the resume); the
/// live-state store (Redis or in-process) only caches it. A cached "halted" is trusted at once; a missing or
/// "running" entry is re-read from the log after a few seconds, so a lost cache can only ever show the halt again.
/// </summary>
public sealed class TradingHalt(IHaltLog log, IKeyValueStore store, TimeProvider time)
{
    private const string Key = "trading:halted";
    private const string Running = "running";
    private static readonly TimeSpan RunningCacheTtl = TimeSpan.FromSeconds(5);

    /// <summary>Whether trading is halted.</summary>
    public async Task<bool> IsHaltedAsync(CancellationToken ct)
    {
        string? cached;
        try { cached = await store.GetAsync(Key, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The cache is down: the durable log still answers (and fails loudly if it cannot).
            return await log.LatestAsync(ct).ConfigureAwait(false) is { Halted: true };
        }
        if (cached is not null && cached != Running) return true;
        if (cached == Running) return false;
        var latest = await log.LatestAsync(ct).ConfigureAwait(false);
        var halted = latest is { Halted: true };
        try { await store.SetAsync(Key, halted ? Describe(latest!) : Running, halted ? null : RunningCacheTtl, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException) { /* only a cache: the log was read */ }
        return halted;
    }

    /// <summary>The event that halted trading, or null when trading runs.</summary>
    public async Task<HaltEvent?> CurrentAsync(CancellationToken ct) =>
        await log.LatestAsync(ct).ConfigureAwait(false) is { Halted: true } e ? e : null;

    /// <summary>Latches the halt: durable first, then the cache.</summary>
    public async Task HaltAsync(string by, string reason, CancellationToken ct)
    {
        var e = new HaltEvent(time.GetUtcNow(), true, by, reason);
        // The cache is set first, so this instance and every other sharing the store stop at once even while the
        // durable write is under way; the durable write is what makes it survive. Either failing alone still halts.
        Exception? cacheError = null;
        try { await store.SetAsync(Key, Describe(e), null, ct).ConfigureAwait(false); }
        catch (Exception x) when (x is not OperationCanceledException) { cacheError = x; }
        await log.AppendAsync(e, ct).ConfigureAwait(false);
        if (cacheError is not null) throw new InvalidOperationException($"The halt is stored durably, but the live-state cache could not be set ({cacheError.Message}); every check reads the durable halt while the cache is down.", cacheError);
    }

    /// <summary>Clears the halt; true when it was set.</summary>
    public async Task<bool> ResumeAsync(string by, CancellationToken ct)
    {
        var was = await CurrentAsync(ct).ConfigureAwait(false) is not null || await IsHaltedAsync(ct).ConfigureAwait(false);
        if (!was) return false;
        await log.AppendAsync(new HaltEvent(time.GetUtcNow(), false, by, "trading.resume"), ct).ConfigureAwait(false);
        await store.SetAsync(Key, Running, RunningCacheTtl, ct).ConfigureAwait(false);
        return true;
    }

    private static string Describe(HaltEvent e) => $"{e.Time:O} by {e.By}: {e.Reason}";
}
