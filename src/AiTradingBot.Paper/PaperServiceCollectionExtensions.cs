using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Paper;

/// <summary>Registers the Paper adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class PaperServiceCollectionExtensions
{
    /// <summary>Adds the Paper adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotPaper(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
