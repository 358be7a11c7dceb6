namespace AiTradingBot.Llm.Context;

/// <summary>One remembered turn of a chat: what the user wrote, what it became, and what it referred to.</summary>
public sealed record ContextTurn(string User, string Outcome, IReadOnlyList<string> Systems, IReadOnlyList<string> Symbols, DateTimeOffset At);
