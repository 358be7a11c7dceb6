using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Llm;

/// <summary>Registers the Llm adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class LlmServiceCollectionExtensions
{
    /// <summary>Adds the Llm adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotLlm(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
