namespace AiTradingBot.Bybit;

/// <summary>Which bot an order belongs to, read from its orderLinkId as the core's client order ids write it.</summary>
internal static class BybitOrderLinkIds
{
    /// <summary>Bot id used for executions of orders the assistant did not place (manual, other tools).</summary>
    public const string External = "external";

    /// <summary>The bot named by an orderLinkId, or <see cref="External"/>.</summary>
    public static string BotIdOf(string? orderLinkId)
    {
        // Placeholder until the core's client order id format lands: "<bot>-<reason>-<suffix>".
        if (string.IsNullOrEmpty(orderLinkId)) return External;
        var dash = orderLinkId.IndexOf('-');
        return dash > 0 ? orderLinkId[..dash] : External;
    }
}
