using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Redis;

/// <summary>
/// Connects at host start so a wrong address or password shows in the log right away. It does not stop the host:
/// the connection keeps retrying on use, and every command fails with the same clear error until Redis is back.
/// </summary>
public sealed class RedisStartupProbe(RedisConnection connection, ILogger<RedisStartupProbe> logger) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await connection.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            logger.LogError("{Message} Live state (confirmations, leases, rate limits) is unavailable until Redis answers.", ex.Message);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
