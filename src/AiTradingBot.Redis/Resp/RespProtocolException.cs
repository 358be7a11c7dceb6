namespace AiTradingBot.Redis.Resp;

/// <summary>The byte stream is not valid RESP; the connection that produced it cannot be trusted any more.</summary>
public sealed class RespProtocolException : RedisException
{
    /// <summary>Creates the error with what was wrong.</summary>
    public RespProtocolException(string message) : base(message) { }
}
