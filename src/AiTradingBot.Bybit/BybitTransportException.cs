using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>A call whose outcome is unknown: timeout, broken connection or a server-side error after sending.</summary>
public sealed class BybitTransportException(string message, Exception? inner = null) : ExchangeException(message, "transport", inner);
