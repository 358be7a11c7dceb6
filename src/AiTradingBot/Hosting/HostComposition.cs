using AiTradingBot.Audit;
using AiTradingBot.Bybit;
using AiTradingBot.Charts;
using AiTradingBot.Core;
using AiTradingBot.Core.Ports;
using AiTradingBot.Docker;
using AiTradingBot.Llm;
using AiTradingBot.Paper;
using AiTradingBot.Redis;
using AiTradingBot.Scheduling;
using AiTradingBot.Storage;
using AiTradingBot.Telegram;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace AiTradingBot.Hosting;

/// <summary>
/// Composes the product from configuration: appsettings.json, appsettings.{Environment}.json, user secrets,
/// environment variables (<c>Section__Key</c>), then explicit overrides. Adapters register only when configured;
/// the core fills every other port with its embedded default.
/// </summary>
public static class HostComposition
{
    /// <summary>Builds the configuration; <paramref name="overrides"/> win over everything (tests, CLI flags).</summary>
    public static IConfigurationRoot BuildConfiguration(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddUserSecrets(typeof(HostComposition).Assembly, optional: true)
            .AddEnvironmentVariables();
        if (overrides is not null) builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }

    /// <summary>Registers logging (to standard error, so stdout stays machine-readable), adapters and the core.</summary>
    public static IServiceCollection AddAiTradingBot(this IServiceCollection services, IConfiguration configuration, LogLevel minimumLevel = LogLevel.Warning)
    {
        services.AddSingleton(configuration);
        services.AddLogging(b => b
            .AddConfiguration(configuration.GetSection("Logging"))
            .SetMinimumLevel(minimumLevel)
            .AddFilter(null, minimumLevel)
            .AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; })
            // Trace and span ids go into every log scope, so a log line can be matched to its trace and audit row.
            .Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId)
            .Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        // Every log line passes the same secret masking as replies and audit rows.
        for (var i = 0; i < services.Count; i++)
        {
            if (services[i].ServiceType != typeof(ILoggerProvider) || services[i].ImplementationType is not { } provider) continue;
            services[i] = ServiceDescriptor.Singleton<ILoggerProvider>(sp => new Core.Audit.RedactingLoggerProvider(
                (ILoggerProvider)ActivatorUtilities.CreateInstance(sp, provider), sp.GetRequiredService<Core.Audit.SecretRedactor>()));
        }

        // Real adapters first (plain registrations); embedded defaults after (TryAdd) only fill the gaps.
        services.AddAiTradingBotDocker(configuration);
        services.AddAiTradingBotStorage(configuration);
        services.AddAiTradingBotRedis(configuration);
        if (string.Equals(configuration["Exchange:Provider"], "bybit", StringComparison.OrdinalIgnoreCase))
            services.AddAiTradingBotBybit(configuration);
        else if (!string.IsNullOrWhiteSpace(configuration["Exchange:Provider"]) && !string.Equals(configuration["Exchange:Provider"], "paper", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Exchange:Provider must be paper or bybit (got '{configuration["Exchange:Provider"]}').");
        services.AddAiTradingBotPaper(configuration);
        services.AddAiTradingBotLlm(configuration);
        services.AddAiTradingBotTelegram(configuration);
        services.AddAiTradingBotScheduling(configuration);
        services.AddAiTradingBotCharts();
        if (!configuration.GetValue<bool>("Storage:Ephemeral"))
            services.TryAddSingleton<IAuditLog>(_ => new JsonlFileAuditLog(Path.Combine(DataDirectory(configuration), "audit.jsonl")));
        services.AddAiTradingBotCore(configuration);
        return services;
    }

    /// <summary>The embedded data directory.</summary>
    public static string DataDirectory(IConfiguration configuration) => configuration["Storage:DataDirectory"] ?? CoreServiceCollectionExtensions.DefaultDataDirectory;
}
