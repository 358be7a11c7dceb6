using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Bybit;

/// <summary>Registers the Bybit adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class BybitServiceCollectionExtensions
{
    /// <summary>
    /// When <c>Exchange:Provider</c> is <c>bybit</c>: the live <see cref="IExchange"/> (replacing any other), the
    /// private execution listener and the public ticker stream as hosted services, and options validated at start.
    /// Otherwise nothing (paper stays the default).
    /// </summary>
    public static IServiceCollection AddAiTradingBotBybit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!string.Equals(configuration["Exchange:Provider"], "bybit", StringComparison.OrdinalIgnoreCase)) return services;

        services.AddOptions<BybitOptions>().Bind(configuration.GetSection(BybitOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BybitOptions>, BybitOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(nameof(BybitRestClient));
        services.AddSingleton<BybitServerClock>();
        services.AddSingleton<BybitPriceCache>();
        // One REST client for the process: its server-time offset and signer are shared state.
        services.AddSingleton(sp => new BybitRestClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(BybitRestClient)),
            sp.GetRequiredService<IOptions<BybitOptions>>(),
            sp.GetRequiredService<BybitServerClock>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<BybitRestClient>>()));
        services.AddSingleton<BybitExchange>();
        services.RemoveAll<IExchange>();
        services.AddSingleton<IExchange>(sp => sp.GetRequiredService<BybitExchange>());
        services.AddSingleton<BybitExecutionDelivery>();
        services.AddSingleton<BybitReconciler>();
        services.AddSingleton<BybitPrivateStream>();
        services.AddHostedService(sp => sp.GetRequiredService<BybitPrivateStream>());
        services.AddSingleton<BybitTickerStream>();
        services.AddHostedService(sp => sp.GetRequiredService<BybitTickerStream>());
        return services;
    }
}
