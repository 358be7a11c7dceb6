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
        // Registered with TryAdd: a real runtime registered before this wins; the demo is only the fallback.
        services.TryAddSingleton<IContainerRuntime, DemoContainerRuntime>();
        return services;
    }
}
