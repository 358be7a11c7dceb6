using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Scheduling;

/// <summary>Registers the Scheduling adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>Adds the Scheduling adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
