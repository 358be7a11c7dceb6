using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Core.Configuration;

/// <summary>Core behaviour (<c>Assistant:</c>): confirmations, container control timeouts, identity of manual orders.</summary>
public sealed class AssistantOptions
{
    /// <summary>How long a confirmation stays valid.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")] public TimeSpan ConfirmationTtl { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Grace period a container gets after SIGTERM before it is killed (a trading bot cancels its orders).</summary>
    [Range(1, 600)] public int StopTimeoutSeconds { get; set; } = 30;

    /// <summary>Per-system timeout of a sitrep or diagnostics query.</summary>
    [Range(1, 120)] public int StatusTimeoutSeconds { get; set; } = 5;

    /// <summary>Bound on the whole killswitch container phase.</summary>
    [Range(5, 600)] public int KillswitchTimeoutSeconds { get; set; } = 60;

    /// <summary>Bot id recorded for orders sent by the assistant itself (client order ids name it).</summary>
    [Required, RegularExpression("^[a-z0-9]{1,16}$")] public string BotId { get; set; } = "manual";

    /// <summary>IANA time zone for PnL periods and reports.</summary>
    [Required] public string TimeZone { get; set; } = "UTC";

    /// <summary>How many recent systems/symbols a chat's context keeps.</summary>
    [Range(1, 20)] public int ContextDepth { get; set; } = 5;

    /// <summary>Longest message accepted.</summary>
    [Range(100, 100_000)] public int MaxMessageLength { get; set; } = 4_000;
}
