using AiTradingBot.Core.Ports;

namespace AiTradingBot.Core.Risk;

/// <summary>The killswitch latch: durable in the live-state store, cleared only by trading.resume.</summary>
public sealed class TradingHalt(IKeyValueStore store, TimeProvider time)
{
    private const string Key = "trading:halted";

    /// <summary>Whether trading is halted.</summary>
    public async Task<bool> IsHaltedAsync(CancellationToken ct) => await store.GetAsync(Key, ct).ConfigureAwait(false) is not null;

    /// <summary>Latches the halt.</summary>
    public Task HaltAsync(string by, CancellationToken ct) => store.SetAsync(Key, $"{time.GetUtcNow():O} by {by}", null, ct);

    /// <summary>Clears the halt; true when it was set.</summary>
    public Task<bool> ResumeAsync(CancellationToken ct) => store.DeleteAsync(Key, ct);
}
