namespace AiTradingBot.Redis;

/// <summary>The server answered one command with an error reply (the connection stays usable).</summary>
public sealed class RedisServerException : RedisException
{
    /// <summary>Creates the error from the server's reply text and the command it answered.</summary>
    public RedisServerException(string command, string serverMessage)
        : base($"Redis rejected {command}: {serverMessage}")
    {
        Command = command;
        ServerMessage = serverMessage;
    }

    /// <summary>The command name (never its arguments, which may hold values).</summary>
    public string Command { get; }

    /// <summary>The error reply as sent by the server, e.g. <c>WRONGTYPE Operation against a key ...</c>.</summary>
    public string ServerMessage { get; }

    /// <summary>The error code: the first word of the reply (<c>ERR</c>, <c>WRONGTYPE</c>, <c>NOSCRIPT</c>, ...).</summary>
    public string Code => ServerMessage.Split(' ', 2)[0];
}
