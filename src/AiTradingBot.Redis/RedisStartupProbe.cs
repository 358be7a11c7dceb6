using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Redis;

/// <summary>
/// Connects at host start and logs one line: connected (endpoint, protocol, server version) or why not. It never stops
/// the host: the multiplexer keeps reconnecting in the background, and until it is back confirmations and live
/// positions fail with the same clear error.
/// </summary>
public sealed class RedisStartupProbe(RedisConnection connection, ILogger<RedisStartupProbe> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var client = connection.Client();
            await client.PingAsync(cancellationToken).ConfigureAwait(false);
            var version = await client.ServerVersionAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Connected to Redis at {Endpoint} (database {Database}, {Protocol}, Redis {Version})",
                connection.Options.Endpoint, connection.Options.Database, connection.Options.Protocol, version.ToString());
        }
        catch (RedisUnavailableException ex)
        {
            logger.LogError("{Message} Confirmations, leases and live positions are unavailable until Redis answers; retrying in the background.", ex.Message);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or StackExchange.Redis.RedisCommandException)
        {
            // Connected, but the server refused the probe (an ACL user without PING, say): the host still starts.
            logger.LogError("Redis at {Endpoint} answered the start-up probe with an error: {Error}. Check {Setting}.", connection.Options.Endpoint, ex.Message, connection.Options.Source);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
