using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Sending;
using AiTradingBot.Telegram.Updates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Telegram.Bot;

namespace AiTradingBot.Telegram;

/// <summary>Registers the Telegram adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class TelegramServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Telegram channel when <c>Telegram:BotToken</c> is set: the Bot API client, the update pipeline, long
    /// polling or the webhook set-up (Telegram:Mode), and the notification channel. Options are validated at start.
    /// Needs the core's <c>IAssistant</c> and <c>IKeyValueStore</c>.
    /// </summary>
    public static IServiceCollection AddAiTradingBotTelegram(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(TelegramOptions.Section);
        if (string.IsNullOrWhiteSpace(section[nameof(TelegramOptions.BotToken)])) return services;

        services.AddOptions<TelegramOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelegramOptions>, TelegramOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        // The token is in every request path: the factory's request loggers would print it. No resilience handler:
        // TelegramApi decides what may be repeated, so a retry can never race a send that succeeded. Timeouts are
        // per call (getUpdates waits longer); the pooled connections are renewed so DNS changes are followed.
        services.AddHttpClient(TelegramApi.HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers()
            .AddHttpMessageHandler(() => new TelegramTelemetry.MarkingHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.TryAddSingleton<ITelegramBotClient>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<TelegramOptions>>().Value;
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(TelegramApi.HttpClientName);
            // RetryThreshold 0: the library never waits out a 429 itself; SendPacer and TelegramApi own that.
            return new TelegramBotClient(new TelegramBotClientOptions(o.BotToken!, o.ApiBaseUrl.TrimEnd('/')) { RetryThreshold = 0 }, http);
        });
        services.TryAddSingleton<TelegramApi>();
        services.TryAddSingleton<SendPacer>();
        services.TryAddSingleton<TelegramSender>();
        services.TryAddSingleton<TelegramReplyRenderer>();
        services.TryAddSingleton<TelegramPrincipals>();
        services.TryAddSingleton<TelegramBotIdentity>();
        services.TryAddSingleton<TelegramUpdateHandler>();
        services.TryAddSingleton<TelegramUpdateProcessor>();
        services.TryAddSingleton<TelegramStartupService>();
        services.TryAddSingleton<TelegramNotificationChannel>();
        services.TryAddSingleton<TelegramCardMessages>();
        services.TryAddSingleton<ConfirmationEvents>();
        services.TryAddSingleton<TelegramCardEditor>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<INotificationChannel, TelegramNotificationChannel>(sp => sp.GetRequiredService<TelegramNotificationChannel>()));

        services.AddHostedService(sp => sp.GetRequiredService<TelegramStartupService>());
        services.AddHostedService(sp => sp.GetRequiredService<TelegramNotificationChannel>());
        services.AddHostedService(sp => sp.GetRequiredService<TelegramCardEditor>());
        var mode = section.GetValue<TelegramMode?>(nameof(TelegramOptions.Mode)) ?? TelegramMode.Polling;
        if (mode == TelegramMode.Polling) services.AddHostedService<TelegramPollingService>();
        return services;
    }
}
