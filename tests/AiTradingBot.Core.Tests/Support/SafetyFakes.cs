using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Core.Tests.Support;

/// <summary>An exchange whose cancel-everything silently skips conditional orders (as a venue does without the right order filter).</summary>
public sealed class ForgetfulExchange(IExchange inner) : IExchange
{
    public ExchangeMode Mode => inner.Mode;
    public Task<Ticker> GetTickerAsync(string symbol, AiTradingBot.Core.Plans.OrderCategory category, CancellationToken ct) => inner.GetTickerAsync(symbol, category, ct);
    public Task<InstrumentRules?> GetInstrumentAsync(string symbol, AiTradingBot.Core.Plans.OrderCategory category, CancellationToken ct) => inner.GetInstrumentAsync(symbol, category, ct);
    public Task<OrderResult> PlaceOrderAsync(OrderRequest order, CancellationToken ct) => inner.PlaceOrderAsync(order, ct);
    public Task<CancelResult> CancelOrdersAsync(string? symbol, string? orderId, CancellationToken ct) => inner.CancelOrdersAsync(symbol, orderId, ct);
    public Task<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken ct) => inner.GetOpenOrdersAsync(symbol, ct);
    public Task<IReadOnlyList<Position>> GetPositionsAsync(string? symbol, CancellationToken ct) => inner.GetPositionsAsync(symbol, ct);
    public Task<WalletSnapshot> GetWalletAsync(CancellationToken ct) => inner.GetWalletAsync(ct);

    public async Task<IReadOnlyList<CancelGroupResult>> CancelAllKindsAsync(CancellationToken ct)
    {
        var ids = new List<string>();
        foreach (var o in (await inner.GetOpenOrdersAsync(null, ct)).Where(o => o.Trigger is null))
            ids.AddRange((await inner.CancelOrdersAsync(null, o.OrderId, ct)).CancelledOrderIds);
        return [new CancelGroupResult("normal orders", ids)];
    }

    /// <summary>Replaces the registered exchange by a forgetful wrapper around it.</summary>
    public static void Wrap(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(IExchange));
        services.AddSingleton<IExchange>(sp => new ForgetfulExchange((IExchange)original.ImplementationFactory!(sp)));
    }
}

/// <summary>Captures notifications.</summary>
public sealed class CapturingChannel : INotificationChannel
{
    private readonly List<Notification> _sent = [];

    public string Name => "capture";

    public IReadOnlyList<Notification> Sent { get { lock (_sent) return _sent.ToList(); } }

    public Task SendAsync(Notification notification, CancellationToken ct)
    {
        lock (_sent) _sent.Add(notification);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A journal whose reads (risk reads it while checking) wait until a second reader arrives, or a timeout: without
/// serialization, two confirmations are then both inside their risk check at the same moment.
/// </summary>
public sealed class RendezvousJournal(IOrderJournal inner) : IOrderJournal
{
    private int _readers;

    /// <summary>Turns the rendezvous on (after the cards were made).</summary>
    public bool Armed { get; set; }

    public Task RecordAsync(OrderRequest request, OrderResult result, CancellationToken ct) => inner.RecordAsync(request, result, ct);

    public async Task<IReadOnlyList<JournaledOrder>> SinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        if (Armed)
        {
            Interlocked.Increment(ref _readers);
            // Wait for the second reader; a lone reader (the other one is held by the account lock) gives up after 3 s.
            var deadline = DateTime.UtcNow.AddSeconds(3);
            while (Volatile.Read(ref _readers) < 2 && DateTime.UtcNow < deadline) await Task.Delay(10, ct);
        }
        return await inner.SinceAsync(since, ct);
    }
}
