using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Redis;

/// <summary>Registers the Redis adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// When <c>Redis:ConnectionString</c> (or the older spelling <c>ConnectionStrings:Redis</c>) is set: the host's one
    /// multiplexer (it connects at start through <see cref="RedisStartupProbe"/> and never aborts the host), the
    /// live-state store, the position publisher, the price cache, the notification fan-out and a health check,
    /// replacing the core's in-process defaults. A malformed connection string fails here with the reason.
    /// </summary>
    public static IServiceCollection AddAiTradingBotRedis(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (ConnectionFrom(configuration) is not { } connection) return services;

        services.AddOptions<RedisOptions>().Bind(configuration.GetSection("Redis")).ValidateDataAnnotations()
            .Validate(o => o.PositionDatabases.Values.All(db => db >= 0), "Redis:PositionDatabases values must be database numbers (0 or more).")
            .ValidateOnStart();
        services.AddSingleton(connection);
        services.AddSingleton(sp => new RedisConnection(connection, sp.GetService<ILogger<RedisConnection>>()));
        services.AddSingleton(sp => sp.GetRequiredService<RedisConnection>().Client());

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

    /// <summary>
    /// The parsed connection string, or null when none is set. Both spellings are read (deployments written for the
    /// older key keep working); set to different values they are a configuration error, not a silent choice.
    /// </summary>
    public static RedisConnectionOptions? ConnectionFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        const string legacy = "ConnectionStrings:Redis";
        var primary = configuration[RedisConnectionOptions.DefaultSource];
        var older = configuration[legacy];
        if (!string.IsNullOrWhiteSpace(primary) && !string.IsNullOrWhiteSpace(older) && primary.Trim() != older.Trim())
            throw new FormatException($"Both {RedisConnectionOptions.DefaultSource} and {legacy} are set, to different servers or options; set only {RedisConnectionOptions.DefaultSource}.");
        if (!string.IsNullOrWhiteSpace(primary)) return RedisConnectionOptions.Parse(primary, RedisConnectionOptions.DefaultSource);
        if (!string.IsNullOrWhiteSpace(older)) return RedisConnectionOptions.Parse(older, legacy);
        return null;
    }
}
