using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Storage;

/// <summary>Registers the Storage adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Adds the Storage adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
