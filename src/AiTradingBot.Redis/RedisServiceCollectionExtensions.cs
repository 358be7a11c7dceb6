using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Redis;

/// <summary>Registers the Redis adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>Adds the Redis adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotRedis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
