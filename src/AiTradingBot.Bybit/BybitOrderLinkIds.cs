using System.Text.RegularExpressions;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>Which bot an order belongs to, read from its orderLinkId as the core's <see cref="ClientOrderIds"/> writes it.</summary>
internal static partial class BybitOrderLinkIds
{
    /// <summary>Bot id used for executions of orders the assistant and the bots did not place (manual, other tools).</summary>
    public const string External = "external";

    // {bot}-{reason}-{ref}[-{step}]: the core's format and the seed's bot:reason:timestamp with dashes.
    [GeneratedRegex(@"^[a-z0-9_]{1,32}-[a-z0-9]{1,12}-[A-Za-z0-9_-]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex Ours();

    /// <summary>The bot named by an orderLinkId, or <see cref="External"/> for ids not in that shape.</summary>
    public static string BotIdOf(string? orderLinkId) =>
        orderLinkId is not null && Ours().IsMatch(orderLinkId) && ClientOrderIds.BotOf(orderLinkId) is { } bot ? bot : External;
}
