using System.Collections.Concurrent;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Gate;
using Microsoft.Extensions.Hosting;

namespace AiTradingBot.Web.Live;

/// <summary>
/// The cards waiting for each person (by user key, <see cref="UserKeys"/>), whatever channel they were asked in: a
/// card a Telegram user asked for on Telegram shows on their signed-in page too. A card joins the board when the core
/// makes it (<see cref="ConfirmationEvents"/>) and leaves when it is resolved in any channel or expires; open pages
/// subscribe to <see cref="Changed"/> and re-render over their SignalR circuit.
/// </summary>
public sealed class CardBoard : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, (string UserId, ConfirmationCard Card)> _cards = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IDisposable _subscription;
    private readonly IDisposable _createdSubscription;

    /// <summary>Subscribes to resolutions.</summary>
    public CardBoard(ConfirmationEvents events, TimeProvider time)
    {
        _time = time;
        _subscription = events.Subscribe((resolved, _) =>
        {
            Remove(resolved.ConfirmationId, resolved);
            return Task.CompletedTask;
        });
        _createdSubscription = events.SubscribeCreated(created => Add(created.UserKey, created.Card));
    }

    /// <summary>A card was added or removed; the argument is the card id and, when removed, how it was resolved.</summary>
    public event Action<string, ConfirmationResolved?>? Changed;

    /// <summary>Shows a card to its user (<paramref name="userKey"/>: <see cref="Principal.KeyIn"/>); adding it again changes nothing.</summary>
    public void Add(string userKey, ConfirmationCard card)
    {
        if (_cards.TryGetValue(card.Id, out var existing) && existing.UserId == userKey) return;
        // Every channel's cards come here, also for people who never open the page: expired ones go on every add too.
        RemoveExpired();
        _cards[card.Id] = (userKey, card);
        Changed?.Invoke(card.Id, null);
    }

    /// <summary>Removes a card (resolved here or elsewhere).</summary>
    public void Remove(string id, ConfirmationResolved? resolved = null)
    {
        if (_cards.TryRemove(id, out _)) Changed?.Invoke(id, resolved);
    }

    /// <summary>The unexpired cards of a user key, oldest first.</summary>
    public IReadOnlyList<ConfirmationCard> For(string userId)
    {
        RemoveExpired();
        return _cards.Values.Where(e => e.UserId == userId).Select(e => e.Card).OrderBy(c => c.ExpiresAt).ToList();
    }

    private void RemoveExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var (id, entry) in _cards)
            if (entry.Card.ExpiresAt <= now) _cards.TryRemove(id, out _);
    }

    /// <summary>Whether a card is still on the board.</summary>
    public bool Contains(string id) => _cards.ContainsKey(id);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public void Dispose()
    {
        _subscription.Dispose();
        _createdSubscription.Dispose();
    }
}
