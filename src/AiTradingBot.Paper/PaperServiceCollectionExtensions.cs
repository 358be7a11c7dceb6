using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AiTradingBot.Paper;

/// <summary>Registers the simulated embedded defaults: the paper exchange and the demo container runtime.</summary>
public static class PaperServiceCollectionExtensions
{
    /// <summary>Adds the paper exchange (when <c>Exchange:Provider</c> is paper or unset) and the demo runtime as the fallback runtime.</summary>
    public static IServiceCollection AddAiTradingBotPaper(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PaperExchangeOptions>().Bind(configuration.GetSection("Paper")).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IPaperPriceSource>(sp => new SimulatedPriceFeed(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<PaperExchangeOptions>>().Value.Seed));
        var provider = configuration["Exchange:Provider"];
        if (string.IsNullOrWhiteSpace(provider) || provider.Equals("paper", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<PaperExchange>();
            services.AddSingleton<IExchange>(sp => sp.GetRequiredService<PaperExchange>());
        }
        // Demo systems never run beside real money: with a live exchange, simulated containers would make every
        // sitrep and killswitch report lie about what is trading. The host refuses to start instead.
        if (string.Equals(provider, "bybit", StringComparison.OrdinalIgnoreCase) && !services.Any(d => d.ServiceType == typeof(IContainerRuntime)))
            throw new InvalidOperationException(
                "Exchange:Provider is bybit (live orders), but no Docker endpoint answers, so the trading systems would be simulated DEMO containers. "
                + "Set Docker:Endpoint to the Docker host that runs your trading systems (e.g. unix:///var/run/docker.sock or tcp://socket-proxy:2375), "
                + "or use Exchange:Provider=paper to try the assistant with demo systems.");
        // Registered with TryAdd: a real runtime registered before this wins; the demo is only the fallback.
        services.TryAddSingleton<IContainerRuntime, DemoContainerRuntime>();
        return services;
    }
}
