using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Ports;

/// <summary>Which fills to read.</summary>
public sealed record FillQuery(DateTimeOffset? From = null, DateTimeOffset? To = null, string? Symbol = null, string? BotId = null, int? Limit = null);

/// <summary>
/// The source of truth for fills, written only by the fills path. Ingestion is idempotent on exec id and atomic
/// per batch, and maintains per-bot positions with realized PnL (see <see cref="Trading.PositionAccounting"/>).
/// </summary>
public interface IFillStore
{
    /// <summary>
    /// Stores the executions not seen before; returns the new fills and the positions they changed. An invalid
    /// execution does not stop its batch: it is dead-lettered with a reason (once per exec id) and the rest is stored.
    /// </summary>
    Task<FillIngestResult> IngestAsync(IReadOnlyList<ExecutionReport> executions, CancellationToken ct);

    /// <summary>Fills, newest first.</summary>
    Task<IReadOnlyList<Fill>> QueryAsync(FillQuery query, CancellationToken ct);

    /// <summary>Time of the newest stored execution (reconciliation starts there), or null.</summary>
    Task<DateTimeOffset?> LastExecutionTimeAsync(CancellationToken ct);
}

/// <summary>What an ingest stored.</summary>
public sealed record FillIngestResult(IReadOnlyList<Fill> NewFills, IReadOnlyList<BotPosition> ChangedPositions)
{
    /// <summary>Invalid executions dead-lettered by this call; one already dead-lettered earlier (a redelivery) is not repeated.</summary>
    public IReadOnlyList<DeadLetteredExecution> DeadLettered { get; init; } = [];
}
