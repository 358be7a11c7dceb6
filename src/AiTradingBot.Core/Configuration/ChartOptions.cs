using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Core.Configuration;

/// <summary>Chart images (<c>Charts:</c>): a fixed size so the same data always gives the same picture.</summary>
public sealed class ChartOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Charts";

    /// <summary>Width in pixels.</summary>
    [Range(300, 4000)] public int Width { get; set; } = 1000;

    /// <summary>Height in pixels.</summary>
    [Range(200, 4000)] public int Height { get; set; } = 500;

    /// <summary>Currency the account is kept in (axis unit).</summary>
    [Required, RegularExpression("^[A-Z0-9]{2,10}$")] public string Currency { get; set; } = "USDT";
}
