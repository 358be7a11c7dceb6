namespace AiTradingBot.Redis;

/// <summary>Base of every error the Redis client raises.</summary>
public class RedisException : Exception
{
    /// <summary>Creates the error with a message for operators.</summary>
    public RedisException(string message, Exception? inner = null) : base(message, inner) { }
}
