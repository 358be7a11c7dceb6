namespace AiTradingBot.Bybit.Tests.Server;

/// <summary>A request as the test server received it, and whether its signature checked out.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, string Body, bool Signed, bool SignatureValid, IReadOnlyDictionary<string, string> Headers, int RetCode);
