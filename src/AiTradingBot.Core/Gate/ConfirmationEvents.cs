using AiTradingBot.Core.Assistant;

namespace AiTradingBot.Core.Gate;

/// <summary>
/// A pending confirmation was resolved (confirmed and run, refused at confirmation, cancelled or expired), in
/// whatever channel. Carries where the card was created (<see cref="Channel"/>, <see cref="ChatId"/>) so the
/// channel that shows it can remove or edit it, and the reply so it can show the result. Only the user who asked can
/// resolve a card, so <see cref="UserId"/> / <see cref="UserName"/> (as the card's channel knows them) name who did.
/// </summary>
public sealed record ConfirmationResolved(
    string ConfirmationId,
    string Channel,
    string ChatId,
    string UserId,
    string ResolvedInChannel,
    AssistantReply Reply,
    DateTimeOffset At,
    string? UserName = null);

/// <summary>
/// A card is waiting for its user, made in <see cref="Channel"/>: every channel where that person is signed in can show
/// it (one card everywhere), keyed by <see cref="UserKey"/> (see <see cref="UserKeys"/>).
/// </summary>
public sealed record ConfirmationCreated(ConfirmationCard Card, string Channel, string ChatId, string UserKey, DateTimeOffset At);

/// <summary>
/// In-process fan-out of <see cref="ConfirmationCreated"/> and <see cref="ConfirmationResolved"/> to channels (web page, Telegram card editing).
/// Handlers run after the decision is made and audited; a failing handler never changes the outcome.
/// </summary>
public sealed class ConfirmationEvents
{
    private readonly Lock _gate = new();
    private Func<ConfirmationResolved, CancellationToken, Task>[] _handlers = [];
    private Action<ConfirmationCreated>[] _created = [];

    /// <summary>Subscribes to new cards; dispose the result to unsubscribe. Handlers must be quick and not block.</summary>
    public IDisposable SubscribeCreated(Action<ConfirmationCreated> handler)
    {
        lock (_gate) _created = [.. _created, handler];
        return new CreatedSubscription(this, handler);
    }

    /// <summary>Delivers a new card to every subscriber; exceptions are collected and never stop the others.</summary>
    public void PublishCreated(ConfirmationCreated created)
    {
        List<Exception>? errors = null;
        foreach (var h in Volatile.Read(ref _created))
        {
            try { h(created); }
            catch (Exception e) { (errors ??= []).Add(e); }
        }
        if (errors is not null) throw new AggregateException("A confirmation-created handler failed.", errors);
    }

    /// <summary>Subscribes; dispose the result to unsubscribe.</summary>
    public IDisposable Subscribe(Func<ConfirmationResolved, CancellationToken, Task> handler)
    {
        lock (_gate) _handlers = [.. _handlers, handler];
        return new Subscription(this, handler);
    }

    /// <summary>Delivers to every subscriber; exceptions are collected and never stop the others.</summary>
    public async Task PublishAsync(ConfirmationResolved resolved, CancellationToken ct)
    {
        var handlers = Volatile.Read(ref _handlers);
        List<Exception>? errors = null;
        foreach (var h in handlers)
        {
            try { await h(resolved, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException) { (errors ??= []).Add(e); }
        }
        if (errors is not null) throw new AggregateException("A confirmation-resolved handler failed.", errors);
    }

    private void Unsubscribe(Func<ConfirmationResolved, CancellationToken, Task> handler)
    {
        lock (_gate) _handlers = _handlers.Where(h => h != handler).ToArray();
    }

    private void UnsubscribeCreated(Action<ConfirmationCreated> handler)
    {
        lock (_gate) _created = _created.Where(h => h != handler).ToArray();
    }

    private sealed class CreatedSubscription(ConfirmationEvents owner, Action<ConfirmationCreated> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.UnsubscribeCreated(handler);
        }
    }

    private sealed class Subscription(ConfirmationEvents owner, Func<ConfirmationResolved, CancellationToken, Task> handler) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Unsubscribe(handler);
        }
    }
}
