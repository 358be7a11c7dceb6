namespace AiTradingBot.Redis;

/// <summary>A command got no reply within the command timeout; it may still run on the server.</summary>
public sealed class RedisTimeoutException : RedisException
{
    /// <summary>Creates the error with a message for operators.</summary>
    public RedisTimeoutException(string message) : base(message) { }
}
