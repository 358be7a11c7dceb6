namespace AiTradingBot.Llm;

/// <summary>
/// The model could not be asked (timeout, HTTP error, rate limit, connection refused). The interpreter chain catches
/// it and keeps the offline parser and slash commands working; the message is safe to show (no key, no prompt).
/// </summary>
public sealed class LanguageModelUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
