namespace AiTradingBot.Web;

/// <summary>What the log viewer asks for.</summary>
public sealed record LogRequest(string System, int Tail, string? Since, string? Filter);
