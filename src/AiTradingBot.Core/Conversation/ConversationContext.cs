namespace AiTradingBot.Core.Conversation;

/// <summary>
/// What a chat referred to recently, so pronouns resolve across messages ("stop alpha" … "now show me its logs").
/// </summary>
public sealed record ConversationContext(IReadOnlyList<string> RecentSystems, IReadOnlyList<string> RecentSymbols)
{
    /// <summary>No context.</summary>
    public static ConversationContext Empty { get; } = new([], []);

    /// <summary>The most recent system, if any.</summary>
    public string? LastSystem => RecentSystems.Count > 0 ? RecentSystems[0] : null;

    /// <summary>The most recent symbol, if any.</summary>
    public string? LastSymbol => RecentSymbols.Count > 0 ? RecentSymbols[0] : null;
}
