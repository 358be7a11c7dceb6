using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Ports;

/// <summary>A placed order as journaled (the <c>orders</c> table).</summary>
public sealed record JournaledOrder(OrderRequest Request, OrderResult Result, DateTimeOffset Time);

/// <summary>Records every order the assistant sends and its outcome.</summary>
public interface IOrderJournal
{
    /// <summary>Records an order request and the venue's answer (upsert on client order id).</summary>
    Task RecordAsync(OrderRequest request, OrderResult result, CancellationToken ct);

    /// <summary>Orders sent since a time, newest first (risk uses this for orders per minute).</summary>
    Task<IReadOnlyList<JournaledOrder>> SinceAsync(DateTimeOffset since, CancellationToken ct);
}
