using System.Security.Cryptography;
using System.Text.Json;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Gate;

/// <summary>How a confirmation attempt ended.</summary>
public enum GateStatus { Confirmed, Cancelled, Expired, AlreadyHandled, NotYours, NotFound }

/// <summary>Result of a confirm or cancel attempt; <see cref="Steps"/> only when confirmed.</summary>
public sealed record GateResult(GateStatus Status, PendingConfirmation? Pending, IReadOnlyList<PlanStep>? Steps);

/// <summary>
/// The one gate. A gated plan is stored under a random id bound to the user who asked (their canonical key, the same
/// in every channel: see <see cref="UserKeys"/>), to the chat within the channel it came from, and to the hash of its
/// normalized steps; it expires and is consumed with an atomic get-and-delete, so exactly one confirmation wins even
/// under concurrent presses on several instances sharing the store.
/// </summary>
public sealed class ConfirmationGate(IKeyValueStore store, TimeProvider time, IOptions<AssistantOptions> options)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>How long a resolved or expired confirmation is remembered past its expiry (late presses are told why).</summary>
    public static readonly TimeSpan Tombstone = TimeSpan.FromHours(1);

    /// <summary>Stores a gated plan for a user known only in <paramref name="channel"/> (no cross-channel identity).</summary>
    public Task<PendingConfirmation> CreateAsync(string channel, string chatId, string userId, string? userName, string input, IReadOnlyList<PlanStep> steps, CancellationToken ct,
        IReadOnlyDictionary<string, decimal>? sizedAt = null) =>
        CreateAsync(channel, chatId, new Principal(userId, userName, UserRole.Admin), input, steps, ct, sizedAt);

    /// <summary>Stores a gated plan and returns its pending confirmation, bound to <paramref name="user"/>'s key.</summary>
    public async Task<PendingConfirmation> CreateAsync(string channel, string chatId, Principal user, string input, IReadOnlyList<PlanStep> steps, CancellationToken ct,
        IReadOnlyDictionary<string, decimal>? sizedAt = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = time.GetUtcNow();
        var key = user.KeyIn(channel);
        var pending = new PendingConfirmation(NewId(), channel, chatId, user.UserId, user.UserName, input, PlanJson.SerializeSteps(steps), PlanJson.Hash(steps), now,
            now + options.Value.ConfirmationTtl, sizedAt, key);
        // Kept past expiry so a late press is told "expired" rather than "unknown".
        await store.SetAsync(PendingKey(pending.Id), JsonSerializer.Serialize(pending), options.Value.ConfirmationTtl + Tombstone, ct).ConfigureAwait(false);
        await store.SetAsync(LatestKey(channel, chatId, key), pending.Id, options.Value.ConfirmationTtl, ct).ConfigureAwait(false);
        return pending;
    }

    /// <summary>Confirms as a user known only in <paramref name="channel"/>.</summary>
    public Task<GateResult> ConfirmAsync(string? id, string channel, string chatId, string userId, CancellationToken ct) =>
        ResolveAsync(id, channel, chatId, new Principal(userId, null, UserRole.Admin), confirm: true, ct);

    /// <summary>Cancels as a user known only in <paramref name="channel"/>.</summary>
    public Task<GateResult> CancelAsync(string? id, string channel, string chatId, string userId, CancellationToken ct) =>
        ResolveAsync(id, channel, chatId, new Principal(userId, null, UserRole.Admin), confirm: false, ct);

    /// <summary>
    /// Confirms: the same user (by key, in any channel), from the same chat when in the card's own channel,
    /// unexpired, untampered, once. Without an id, the caller's latest card in this channel and chat.
    /// </summary>
    public Task<GateResult> ConfirmAsync(string? id, string channel, string chatId, Principal user, CancellationToken ct) =>
        ResolveAsync(id, channel, chatId, user, confirm: true, ct);

    /// <summary>Cancels a pending plan (same rules; nothing executes).</summary>
    public Task<GateResult> CancelAsync(string? id, string channel, string chatId, Principal user, CancellationToken ct) =>
        ResolveAsync(id, channel, chatId, user, confirm: false, ct);

    /// <summary>
    /// Whether <paramref name="user"/> in <paramref name="channel"/> / <paramref name="chatId"/> may resolve
    /// <paramref name="pending"/>: the same person, and when in the channel the card was created in, the same chat
    /// (chat ids mean nothing across channels: a web caller's "chat" is their user id).
    /// </summary>
    public static bool IsOwnedBy(PendingConfirmation pending, string channel, string chatId, Principal user)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(user);
        if (!string.Equals(OwnerKey(pending), user.KeyIn(channel), StringComparison.Ordinal)) return false;
        return pending.Channel != channel || pending.ChatId == chatId;
    }

    private static string OwnerKey(PendingConfirmation pending) => pending.UserKey ?? UserKeys.Local(pending.Channel, pending.UserId);

    private async Task<GateResult> ResolveAsync(string? id, string channel, string chatId, Principal user, bool confirm, CancellationToken ct)
    {
        id = string.IsNullOrWhiteSpace(id) ? await store.GetAsync(LatestKey(channel, chatId, user.KeyIn(channel)), ct).ConfigureAwait(false) : id.Trim().ToUpperInvariant();
        if (id is null) return new GateResult(GateStatus.NotFound, null, null);
        var json = await store.GetAsync(PendingKey(id), ct).ConfigureAwait(false);
        if (json is null)
            return new GateResult(await store.GetAsync(DoneKey(id), ct).ConfigureAwait(false) is null ? GateStatus.NotFound : GateStatus.AlreadyHandled, null, null);
        var pending = JsonSerializer.Deserialize<PendingConfirmation>(json)!;
        // Wrong user or chat must not consume the token: check before the atomic take.
        if (!IsOwnedBy(pending, channel, chatId, user))
            return new GateResult(GateStatus.NotYours, pending, null);
        // The tombstone goes in before the atomic take, so a concurrent press that finds the token gone is told
        // "already handled" rather than "nothing waiting".
        await store.SetAsync(DoneKey(id), "claimed", Tombstone, ct).ConfigureAwait(false);
        var taken = await store.GetDeleteAsync(PendingKey(id), ct).ConfigureAwait(false);
        if (taken is null) return new GateResult(GateStatus.AlreadyHandled, pending, null);
        // "yes" in the card's chat must not find it any more; a newer card of the same user stays the latest.
        await store.DeleteIfValueAsync(LatestKey(pending.Channel, pending.ChatId, OwnerKey(pending)), id, ct).ConfigureAwait(false);
        if (time.GetUtcNow() >= pending.ExpiresAt)
        {
            await store.SetAsync(DoneKey(id), "expired", Tombstone, ct).ConfigureAwait(false);
            return new GateResult(GateStatus.Expired, pending, null);
        }
        await store.SetAsync(DoneKey(id), confirm ? "confirmed" : "cancelled", Tombstone, ct).ConfigureAwait(false);
        if (!confirm) return new GateResult(GateStatus.Cancelled, pending, null);
        var steps = PlanJson.DeserializeSteps(pending.StepsJson);
        // The plan that runs is exactly the plan that was shown.
        if (PlanJson.Hash(steps) != pending.PlanHash) return new GateResult(GateStatus.NotFound, pending, null);
        return new GateResult(GateStatus.Confirmed, pending, steps);
    }

    private static string NewId() => string.Create(8, 0, static (span, _) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
    });

    private static string PendingKey(string id) => $"gate:pending:{id}";

    private static string DoneKey(string id) => $"gate:done:{id}";

    private static string LatestKey(string channel, string chatId, string userKey) => $"gate:latest:{channel}:{chatId}:{userKey}";
}
