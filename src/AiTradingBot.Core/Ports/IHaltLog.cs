namespace AiTradingBot.Core.Ports;

/// <summary>One change of the trading halt: who halted or resumed, when and why.</summary>
public sealed record HaltEvent(DateTimeOffset Time, bool Halted, string By, string Reason);

/// <summary>
/// The durable record of the trading halt (append-only events in the relational store). The halt's truth lives
/// here; the live-state store only caches it, so losing Redis, a new Redis volume or a restart never resumes trading.
/// </summary>
public interface IHaltLog
{
    /// <summary>Appends an event; returns once it is durable.</summary>
    Task AppendAsync(HaltEvent halt, CancellationToken ct);

    /// <summary>The newest event, or null when trading was never halted.</summary>
    Task<HaltEvent?> LatestAsync(CancellationToken ct);

    /// <summary>The newest events, newest first.</summary>
    Task<IReadOnlyList<HaltEvent>> RecentAsync(int limit, CancellationToken ct);
}
