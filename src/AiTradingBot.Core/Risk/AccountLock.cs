using System.Diagnostics;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Risk;

/// <summary>
/// Serializes check-then-execute per trading account: a lock in the live-state store (so it holds across every
/// instance that shares Redis), taken before the risk re-check at confirmation and released after the venue has
/// answered. Two cards confirmed at the same moment therefore never pass risk against the same snapshot.
/// </summary>
public sealed class AccountLock(IKeyValueStore store, IOptions<RiskOptions> options)
{
    /// <summary>The lease outlives any sane check plus order; a crashed holder frees the account after it.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(25);

    /// <summary>The lock name of a trading account: one per venue and environment.</summary>
    public static string AccountOf(Trading.ExchangeMode mode) => $"{mode.Venue}:{mode.Environment}";

    /// <summary>Takes the lock of an account, waiting up to <paramref name="wait"/> (default <c>Risk:AccountLockWaitSeconds</c>); null when it stayed busy.</summary>
    public async Task<IAsyncDisposable?> AcquireAsync(string account, CancellationToken ct, TimeSpan? wait = null)
    {
        var key = $"lock:account:{account}";
        var token = Guid.NewGuid().ToString("N");
        var started = Stopwatch.GetTimestamp();
        var limit = wait ?? TimeSpan.FromSeconds(options.Value.AccountLockWaitSeconds);
        while (!await store.SetIfNotExistsAsync(key, token, Lease, ct).ConfigureAwait(false))
        {
            if (Stopwatch.GetElapsedTime(started) > limit) return null;
            // Real time, not the injected clock: this is waiting for another request, not business time.
            await Task.Delay(Poll, ct).ConfigureAwait(false);
        }
        return new Held(store, key, token);
    }

    private sealed class Held(IKeyValueStore store, string key, string token) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Only our own lease is released; one that expired and was taken by someone else is left alone.
            if (await store.GetAsync(key, CancellationToken.None).ConfigureAwait(false) == token)
                await store.DeleteAsync(key, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
