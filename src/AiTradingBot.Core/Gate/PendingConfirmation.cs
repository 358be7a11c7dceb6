namespace AiTradingBot.Core.Gate;

/// <summary>
/// A gated plan waiting for confirmation, stored in the live-state store: bound to the user (<see cref="UserKey"/>,
/// see <see cref="AiTradingBot.Core.Assistant.UserKeys"/>), to the chat within its channel and to the hash of the
/// normalized steps; single use; expires. <see cref="SizedAt"/>: the price each notional order step (by index) was
/// sized at on the card, so confirmation can refuse it when the market moved too far since. <see cref="UserKey"/> is
/// null in rows stored before it existed; those bind to channel and user id.
/// </summary>
public sealed record PendingConfirmation(
    string Id,
    string Channel,
    string ChatId,
    string UserId,
    string? UserName,
    string Input,
    string StepsJson,
    string PlanHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyDictionary<string, decimal>? SizedAt = null,
    string? UserKey = null);
