using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Bybit;

/// <summary>Registers the Bybit adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class BybitServiceCollectionExtensions
{
    /// <summary>Adds the Bybit adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotBybit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
