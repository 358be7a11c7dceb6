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
            var info = await client.InfoAsync("server", cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["endpoint"] = connection.Options.Endpoint,
                ["ping_ms"] = Math.Round(rtt.TotalMilliseconds, 2),
                ["redis_version"] = info.GetValueOrDefault("redis_version", "?"),
                ["protocol"] = connection.Options.Protocol.ToString(),
            };
            return HealthCheckResult.Healthy($"Redis at {connection.Options.Endpoint} answers in {rtt.TotalMilliseconds:0.0} ms", data);
        }
        catch (RedisUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}
