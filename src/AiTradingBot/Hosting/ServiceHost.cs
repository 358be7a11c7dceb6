using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram;


namespace AiTradingBot.Hosting;

/// <summary>The web host behind <c>run</c>: same composition as the CLI plus hosted services and endpoints.</summary>
public static class ServiceHost
{
    /// <summary>Builds the application; configuration overrides win over appsettings and environment.</summary>
    public static WebApplication Build(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var configuration = HostComposition.BuildConfiguration(overrides);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddAiTradingBot(builder.Configuration, LogLevel.Information);
        builder.Services.AddHostedService<PaperTickService>();
        builder.Services.AddHostedService<ContainerWatchService>();
        builder.Services.AddHostedService<InterruptedExecutionService>();
        builder.WebHost.UseUrls((configuration["Http:Urls"] ?? "http://0.0.0.0:8080").Split(';', StringSplitOptions.RemoveEmptyEntries));
        var app = builder.Build();
        app.MapGet("/healthz", (IExchange exchange, IContainerRuntime runtime) =>
            Results.Ok(new { status = "ok", mode = exchange.Mode.Label, systems = runtime.Description }));
        app.MapAiTradingBotTelegram();
        return app;
    }
}
