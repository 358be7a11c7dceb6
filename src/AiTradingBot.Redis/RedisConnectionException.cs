namespace AiTradingBot.Redis;

/// <summary>
/// The server could not be reached, refused the credentials, or the connection dropped. A command that fails with it
/// while in flight may or may not have run on the server.
/// </summary>
public sealed class RedisConnectionException : RedisException
{
    /// <summary>Creates the error with a message for operators.</summary>
    public RedisConnectionException(string message, Exception? inner = null) : base(message, inner) { }
}
