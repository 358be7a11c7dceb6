using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiTradingBot.Redis;

/// <summary>Healthy when Redis answers PING (reports the round trip and the server version).</summary>
public sealed class RedisHealthCheck(RedisConnection connection) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var client = connection.Client();
        try
        {
            var rtt = await client.PingAsync(cancellationToken).ConfigureAwait(false);
            var version = await client.ServerVersionAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["endpoint"] = connection.Options.Endpoint,
                ["ping_ms"] = Math.Round(rtt.TotalMilliseconds, 2),
                ["redis_version"] = version.ToString(),
                ["protocol"] = connection.Options.Protocol.ToString(),
            };
            return HealthCheckResult.Healthy($"Redis at {connection.Options.Endpoint} answers in {rtt.TotalMilliseconds:0.0} ms", data);
        }
        catch (RedisUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or StackExchange.Redis.RedisCommandException)
        {
            return HealthCheckResult.Unhealthy($"Redis at {connection.Options.Endpoint} answered PING with an error: {ex.Message}");
        }
    }
}
