using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Redis;

/// <summary>Registers the Redis adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// When <c>ConnectionStrings:Redis</c> is set: the shared connection (connects on first use), the live-state store,
    /// the position publisher, the price cache, the notification fan-out and a health check, replacing the core's
    /// in-process defaults. A malformed connection string fails here with the reason.
    /// </summary>
    public static IServiceCollection AddAiTradingBotRedis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration.GetConnectionString("Redis");
        if (string.IsNullOrWhiteSpace(connectionString)) return services;
        var connection = RedisConnectionOptions.Parse(connectionString);

        services.AddOptions<RedisOptions>().Bind(configuration.GetSection("Redis")).ValidateDataAnnotations()
            .Validate(o => o.PositionDatabases.Values.All(db => db >= 0), "Redis:PositionDatabases values must be database numbers (0 or more).")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(connection);
        services.AddSingleton(sp => new RedisConnection(connection, sp.GetService<ILogger<RedisConnection>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new RedisDatabases(sp.GetRequiredService<RedisConnection>(), sp.GetService<ILoggerFactory>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => sp.GetRequiredService<RedisDatabases>().Main);
        services.AddSingleton(sp => new RedisSubscriber(connection, sp.GetService<ILogger<RedisSubscriber>>(), sp.GetRequiredService<TimeProvider>()));

        services.AddSingleton<RedisKeyValueStore>();
        services.AddSingleton<IKeyValueStore>(sp => sp.GetRequiredService<RedisKeyValueStore>());
        services.AddSingleton<RedisPositionPublisher>();
        services.AddSingleton<IPositionPublisher>(sp => sp.GetRequiredService<RedisPositionPublisher>());
        services.AddSingleton<RedisPriceCache>();
        services.AddSingleton<RedisNotificationBus>();
        if (configuration.GetValue("Redis:NotificationFanout", true))
            services.AddSingleton<INotificationChannel>(sp => sp.GetRequiredService<RedisNotificationBus>());

        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        services.AddHostedService<RedisStartupProbe>();
        return services;
    }
}
