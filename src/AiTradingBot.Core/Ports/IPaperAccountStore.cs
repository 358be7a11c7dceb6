using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Ports;

/// <summary>What one paper-account update produced: the caller's result, the new state (null: unchanged) and fills for the outbox.</summary>
public sealed record PaperAccountUpdate<T>(T Result, string? NewState, IReadOnlyList<ExecutionReport> Fills);

/// <summary>A fill waiting in the outbox until the fills path has taken it.</summary>
public sealed record OutboxFill(long Id, ExecutionReport Fill);

/// <summary>
/// Where the simulated (paper) exchange keeps its account. An update reads the latest state and writes the new one
/// together with its fills (an outbox) in one exclusive transaction, so several processes sharing one data folder
/// never lose or double-apply an order, and a fill is never lost between the account and the fill store.
/// </summary>
public interface IPaperAccountStore
{
    /// <summary>Runs <paramref name="update"/> on the latest saved state (null: none yet) under an exclusive lock and saves what it returns.</summary>
    Task<T> UpdateAsync<T>(Func<string?, PaperAccountUpdate<T>> update, CancellationToken ct);

    /// <summary>The latest saved state, or null.</summary>
    Task<string?> ReadAsync(CancellationToken ct);

    /// <summary>Fills written by updates and not yet marked delivered, oldest first.</summary>
    Task<IReadOnlyList<OutboxFill>> PendingFillsAsync(CancellationToken ct);

    /// <summary>Marks outbox fills as delivered to the fills path.</summary>
    Task MarkDeliveredAsync(IReadOnlyCollection<long> ids, CancellationToken ct);
}
