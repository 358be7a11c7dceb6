using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Docker;

/// <summary>Registers the Docker adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class DockerServiceCollectionExtensions
{
    /// <summary>Adds the Docker adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotDocker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
