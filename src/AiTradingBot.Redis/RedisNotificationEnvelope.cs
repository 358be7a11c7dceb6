using AiTradingBot.Core.Notifications;

namespace AiTradingBot.Redis;

/// <summary>A notification on the inter-instance channel, tagged with the instance that raised it.</summary>
public sealed record RedisNotificationEnvelope(string Origin, NotificationKind Kind, string Text, string Html, string? ChatId, bool Silent);
