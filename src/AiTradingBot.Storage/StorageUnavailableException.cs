using AiTradingBot.Core.Ports;
using Npgsql;

namespace AiTradingBot.Storage;

/// <summary>
/// PostgreSQL does not answer (connection refused, timeout, name not resolved, server starting up). The message names
/// the server (without credentials) and the setting to check. It is live state the gate needs (halt, journal, audit),
/// so callers fail closed exactly as when the live-state store is down.
/// </summary>
public sealed class StorageUnavailableException(string message, Exception? inner = null) : LiveStateUnavailableException(message, inner)
{
    /// <summary>
    /// True for "the server is not there yet" failures that a later attempt can fix; false for a wrong setting the
    /// server rejected (bad password, unknown database) or a schema problem, which must stop the start.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        StorageUnavailableException => true,
        PostgresException p => p.IsTransient || p.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown,
        NpgsqlException => true,
        TimeoutException or System.Net.Sockets.SocketException => true,
        _ => false,
    };

    /// <summary>Wraps a transient failure with the server's description and the setting.</summary>
    internal static StorageUnavailableException For(StorageTarget target, Exception e) =>
        new($"PostgreSQL {target.Description} does not answer ({Innermost(e)}); check ConnectionStrings:Postgres.", e);

    private static string Innermost(Exception e)
    {
        var inner = e;
        while (inner.InnerException is { } next) inner = next;
        return inner.Message.Split('\n', 2)[0].Trim().TrimEnd('.');
    }
}
