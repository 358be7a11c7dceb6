using System.ComponentModel;

namespace AiTradingBot.Core.Plans;

/// <summary>Conditional order trigger: fire when the last price crosses <see cref="Price"/> in <see cref="Direction"/>.</summary>
public sealed record OrderTrigger(
    [property: Description("Trigger price in quote currency")] decimal Price,
    [property: Description("above: fire when the price rises to it; below: when it falls to it")] TriggerDirection Direction);
