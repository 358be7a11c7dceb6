namespace AiTradingBot.Core.Conversation;

/// <summary>
/// Conversation context (recent systems and symbols, the language model's remembered turns) is kept per chat
/// <b>and user</b>: in a group, one member's messages never become context for another member's request.
/// </summary>
public static class ConversationKey
{
    /// <summary>The key of one user's conversation in one chat of a channel.</summary>
    public static string For(string channel, string chatId, string userId) => $"{channel}:{chatId}:{userId}";
}
