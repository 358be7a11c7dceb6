using System.Collections.Concurrent;
using AiTradingBot.Core.Gate;

namespace AiTradingBot.Web.Live;

/// <summary>
/// The cards waiting in the web channel, per user. A card leaves the board when it is resolved in any channel
/// (<see cref="ConfirmationEvents"/>) or expires; open pages subscribe to <see cref="Changed"/> and re-render over
/// their SignalR circuit.
/// </summary>
public sealed class CardBoard : IDisposable
{
    private readonly ConcurrentDictionary<string, (string UserId, ConfirmationCard Card)> _cards = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly IDisposable _subscription;

    /// <summary>Subscribes to resolutions.</summary>
    public CardBoard(ConfirmationEvents events, TimeProvider time)
    {
        _time = time;
        _subscription = events.Subscribe((resolved, _) =>
        {
            Remove(resolved.ConfirmationId, resolved);
            return Task.CompletedTask;
        });
    }

    /// <summary>A card was added or removed; the argument is the card id and, when removed, how it was resolved.</summary>
    public event Action<string, ConfirmationResolved?>? Changed;

    /// <summary>Shows a card to its user.</summary>
    public void Add(string userId, ConfirmationCard card)
    {
        _cards[card.Id] = (userId, card);
        Changed?.Invoke(card.Id, null);
    }

    /// <summary>Removes a card (resolved here or elsewhere).</summary>
    public void Remove(string id, ConfirmationResolved? resolved = null)
    {
        if (_cards.TryRemove(id, out _)) Changed?.Invoke(id, resolved);
    }

    /// <summary>The user's unexpired cards, oldest first.</summary>
    public IReadOnlyList<ConfirmationCard> For(string userId)
    {
        var now = _time.GetUtcNow();
        foreach (var (id, entry) in _cards)
            if (entry.Card.ExpiresAt <= now) _cards.TryRemove(id, out _);
        return _cards.Values.Where(e => e.UserId == userId).Select(e => e.Card).OrderBy(c => c.ExpiresAt).ToList();
    }

    /// <summary>Whether a card is still on the board.</summary>
    public bool Contains(string id) => _cards.ContainsKey(id);

    /// <inheritdoc />
    public void Dispose() => _subscription.Dispose();
}
