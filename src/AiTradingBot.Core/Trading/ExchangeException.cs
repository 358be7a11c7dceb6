namespace AiTradingBot.Core.Trading;

/// <summary>An exchange failure with the venue's code and a message a person can act on.</summary>
public class ExchangeException(string message, string? code = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The venue's error code (Bybit retCode), when there is one.</summary>
    public string? Code { get; } = code;
}
