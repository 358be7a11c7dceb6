using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Telegram;

/// <summary>Registers the Telegram adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class TelegramServiceCollectionExtensions
{
    /// <summary>Adds the Telegram adapter's services when configuration selects them.</summary>
    public static IServiceCollection AddAiTradingBotTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
