using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiTradingBot.Redis;

/// <summary>Healthy when Redis answers PING (reports the round trip and the server version).</summary>
public sealed class RedisHealthCheck(RedisClient client) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var rtt = await client.PingAsync(cancellationToken).ConfigureAwait(false);
            var info = await client.InfoAsync("server", cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["endpoint"] = client.Connection.Options.Endpoint,
                ["ping_ms"] = Math.Round(rtt.TotalMilliseconds, 2),
                ["redis_version"] = info.GetValueOrDefault("redis_version", "?"),
            };
            return HealthCheckResult.Healthy($"Redis at {client.Connection.Options.Endpoint} answers in {rtt.TotalMilliseconds:0.0} ms", data);
        }
        catch (RedisException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
