using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Redis;

/// <summary>Adapter settings (<c>Redis:</c> section); the server itself is <c>ConnectionStrings:Redis</c>.</summary>
public sealed class RedisOptions
{
    /// <summary>Prefix of every live-state key (tokens, rate limits, leases, chat context). Seed contract keys (positions, prices) are never prefixed.</summary>
    [RegularExpression(@"^[^\s]{0,64}$", ErrorMessage = "Redis:KeyPrefix must be at most 64 characters without spaces.")]
    public string KeyPrefix { get; set; } = "atb:";

    /// <summary>Pub/sub channel (after <see cref="KeyPrefix"/>) carrying notifications between instances.</summary>
    [Required, RegularExpression(@"^[^\s]{1,64}$", ErrorMessage = "Redis:NotificationChannel must be 1-64 characters without spaces.")]
    public string NotificationChannel { get; set; } = "notifications";

    /// <summary>Publish this instance's notifications to the other instances (see <see cref="RedisNotificationBus"/>).</summary>
    public bool NotificationFanout { get; set; } = true;

    /// <summary>Name of this instance on the notification channel; empty means host name, process id and a random suffix.</summary>
    public string? InstanceId { get; set; }

    /// <summary>Database number per bot id for its <c>position:</c> keys (the seed gives each bot its own database); unlisted bots use the connection's database.</summary>
    public Dictionary<string, int> PositionDatabases { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a cached <c>price:{symbol}</c> stays valid.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PriceTtl { get; set; } = TimeSpan.FromMinutes(1);
}
