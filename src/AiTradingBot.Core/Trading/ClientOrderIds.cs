using System.Text.RegularExpressions;

namespace AiTradingBot.Core.Trading;

/// <summary>
/// Client order ids that name the bot and the reason (the seed's <c>bot:reason:timestamp</c>, adapted to Bybit's
/// <c>orderLinkId</c>: at most 36 of letters, digits, '-' and '_'). Format: <c>{bot}-{reason}-{ref}-{step}</c>, e.g.
/// <c>manual-order-K7Q2MXPA-0</c>; the ref is the confirmation id, so a retried step reuses its id and is placed at most once.
/// </summary>
public static partial class ClientOrderIds
{
    /// <summary>Longest id Bybit accepts.</summary>
    public const int MaxLength = 36;

    [GeneratedRegex(@"\A[A-Za-z0-9_-]{1,36}\z")]
    private static partial Regex Valid();

    [GeneratedRegex("[^a-z0-9]")]
    private static partial Regex Unsafe();

    /// <summary>Builds an id; <paramref name="reference"/> identifies the confirmed plan, <paramref name="step"/> the step.</summary>
    public static string Create(string botId, string reason, string reference, int step)
    {
        // Bot ids are kept whole (up to 16) so BotOf attributes fills to the bot that exists; the reference shrinks instead.
        var bot = Clean(botId, 16);
        var why = Clean(reason, 6);
        var suffix = $"-{step}";
        var refPart = Regex.Replace(reference, "[^A-Za-z0-9]", "");
        var room = MaxLength - bot.Length - why.Length - suffix.Length - 2;
        if (refPart.Length > room) refPart = refPart[..room];
        return $"{bot}-{why}-{refPart}{suffix}";
    }

    /// <summary>Whether an id is acceptable to Bybit.</summary>
    public static bool IsValid(string id) => Valid().IsMatch(id);

    /// <summary>The bot named by an id, or null for foreign ids.</summary>
    public static string? BotOf(string? clientOrderId)
    {
        if (string.IsNullOrEmpty(clientOrderId)) return null;
        var dash = clientOrderId.IndexOf('-');
        return dash > 0 ? clientOrderId[..dash] : null;
    }

    private static string Clean(string s, int max)
    {
        var c = Unsafe().Replace(s.ToLowerInvariant(), "");
        return c.Length == 0 ? "x" : c.Length > max ? c[..max] : c;
    }
}
