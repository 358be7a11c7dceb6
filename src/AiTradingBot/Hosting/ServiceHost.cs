using AiTradingBot.Core.Ports;
using AiTradingBot.Scheduling;
using AiTradingBot.Hosting.Observability;
using AiTradingBot.Telegram;
using AiTradingBot.Web;
using AiTradingBot.Web.Security;


namespace AiTradingBot.Hosting;

/// <summary>The web host behind <c>run</c>: same composition as the CLI plus hosted services and endpoints.</summary>
public static class ServiceHost
{
    /// <summary>Builds the application; configuration overrides win over appsettings and environment.</summary>
    public static WebApplication Build(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var configuration = HostComposition.BuildConfiguration(overrides);
        // ApplicationName names the static web assets manifest (blazor.web.js) built next to the host.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, ApplicationName = typeof(ServiceHost).Assembly.GetName().Name });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.ClearProviders();
        builder.Services.AddAiTradingBotWeb(builder.Configuration);
        // With the web channel on, the scheduler dashboard uses its sign-in (registered before the Scheduling adapter's
        // local-requests-only default, which it replaces).
        if (builder.Configuration.GetValue("Web:Enabled", true))
            builder.Services.AddSingleton<IDashboardRoleResolver, WebSessionDashboardRoleResolver>();
        builder.Services.AddAiTradingBot(builder.Configuration, LogLevel.Information);
        builder.Services.AddHostedService<PaperTickService>();
        builder.Services.AddHostedService<ContainerWatchService>();
        builder.Services.AddHostedService<InterruptedExecutionService>();
        builder.Services.AddHostedService<NativeHeapTrimService>();
        builder.Services.AddAiTradingBotObservability(builder.Configuration);
        // Outside a publish (tests, dotnet run) the assets are found through the build's runtime manifest; a publish has none.
        if (BuildAssetsReadable(builder.Environment.ApplicationName)) builder.WebHost.UseStaticWebAssets();
        builder.WebHost.UseUrls((configuration["Http:Urls"] ?? WebDefaults.Urls).Split(';', StringSplitOptions.RemoveEmptyEntries));
        var app = builder.Build();
        app.MapAiTradingBotObservability();
        app.MapAiTradingBotTelegram();
        app.MapStaticAssets();
        app.MapAiTradingBotWeb();
        // After the web channel's authentication middleware, so the dashboard sees the signed-in user.
        app.UseAiTradingBotSchedulingDashboard();
        return app;
    }

    /// <summary>
    /// True when the build's static web assets manifest exists and every folder it points at can be read (the NuGet
    /// cache of another user cannot, e.g. when the build output runs as the image's non-root user).
    /// </summary>
    private static bool BuildAssetsReadable(string applicationName)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{applicationName}.staticwebassets.runtime.json");
        if (!File.Exists(manifest)) return false;
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(manifest));
            return doc.RootElement.GetProperty("ContentRoots").EnumerateArray().All(r => r.GetString() is { } root && Directory.Exists(root));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
