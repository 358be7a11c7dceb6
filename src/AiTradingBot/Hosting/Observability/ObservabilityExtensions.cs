using System.Net.Http.Headers;
using AiTradingBot.Bybit;
using AiTradingBot.Core;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Docker;
using AiTradingBot.Llm;
using AiTradingBot.Storage;
using AiTradingBot.Storage.Model;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Telegram.Bot;

namespace AiTradingBot.Hosting.Observability;

/// <summary>
/// Metrics and traces (OpenTelemetry: Prometheus scrape and/or OTLP) and honest health endpoints for <c>run</c>:
/// <c>/healthz</c> says the process serves, <c>/readyz</c> runs one check per configured dependency.
/// </summary>
public static class ObservabilityExtensions
{
    /// <summary>Tag of the checks /readyz runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Series kept per metric stream; further label sets are counted in the stream's <c>otel_metric_overflow</c> series.
    /// The SDK default (2000) pre-allocates its points for every stream: ~80 streams held ~15 MB of the idle host's
    /// heap (web benchmark). Our labels are bounded well below this (host × operation × outcome is the widest).
    /// </summary>
    internal const int MetricSeriesLimit = 500;

    /// <summary>Registers OpenTelemetry and the dependency checks. <c>Telemetry:OtlpEndpoint</c> must be an absolute URI.</summary>
    public static IServiceCollection AddAiTradingBotObservability(this IServiceCollection services, IConfiguration configuration)
    {
        var prometheus = configuration.GetValue("Telemetry:Prometheus", true);
        var otlpText = configuration["Telemetry:OtlpEndpoint"];
        Uri? otlp = null;
        if (!string.IsNullOrWhiteSpace(otlpText) && (!Uri.TryCreate(otlpText, UriKind.Absolute, out otlp) || otlp.Scheme is not ("http" or "https")))
            throw new InvalidOperationException($"Telemetry:OtlpEndpoint must be an absolute http(s) URI such as http://collector:4317 (got '{otlpText}').");

        services.TryAddSingleton<IMetricsAccessPolicy, LoopbackOrAdminTokenMetricsAccess>();
        services.AddHostedService<GaugeSources>();
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("aitradingbot"))
            .WithMetrics(m =>
            {
                m.AddMeter(AiTradingBotTelemetry.Name)
                    .AddView(_ => new MetricStreamConfiguration { CardinalityLimit = MetricSeriesLimit })
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddProcessInstrumentation();
                if (prometheus) m.AddPrometheusExporter();
                if (otlp is not null) m.AddOtlpExporter(o => o.Endpoint = otlp);
            })
            .WithTracing(t =>
            {
                t.AddSource(AiTradingBotTelemetry.Name, AiTradingBot.Telegram.Api.TelegramTelemetry.Name)
                    // Database client spans: Npgsql's own ActivitySource (EF adds none; SQLite spans come from ours).
                    .AddSource("Npgsql")
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => ctx.Request.Path != "/metrics" && ctx.Request.Path != "/healthz")
                    // Bot API URLs hold the token: those calls are traced by the Telegram adapter's own spans instead.
                    .AddHttpClientInstrumentation(o => o.FilterHttpRequestMessage = r => !AiTradingBot.Telegram.Api.TelegramTelemetry.IsBotApiRequest(r));
                if (otlp is not null) t.AddOtlpExporter(o => o.Endpoint = otlp);
            });

        var checks = services.AddHealthChecks();
        // Redis registers its own check ("redis") in its adapter.
        if (!string.IsNullOrWhiteSpace(configuration.GetConnectionString(StorageServiceCollectionExtensions.ConnectionStringName)))
            Add(checks, "postgres", "ConnectionStrings:Postgres", async (sp, ct) =>
            {
                // Not ready until run's initialization (migrations) went through; a probe that finds the database back
                // does it now rather than waiting for the next backoff step.
                await sp.GetRequiredService<StorageReadiness>().TryNowAsync(ct).ConfigureAwait(false);
                await using var db = await sp.GetRequiredService<IDbContextFactory<TradingDbContext>>().CreateDbContextAsync(ct).ConfigureAwait(false);
                await db.Database.OpenConnectionAsync(ct).ConfigureAwait(false);
                return $"{sp.GetRequiredService<StorageTarget>().Description} answers";
            });
        if (services.Any(d => d.ServiceType == typeof(DockerHostRouter)))
        {
            // One check per Docker host, named docker:<host>, so /readyz says which machine is unreachable.
            foreach (var host in ConfiguredDockerHosts(configuration))
                Add(checks, $"docker:{host}", ContainerHosts.IsDefault(host) ? "Docker:Endpoint" : $"Docker:Hosts:{host}:Endpoint", async (sp, ct) =>
                {
                    var client = sp.GetRequiredService<DockerHostRouter>().Runtimes.Single(r => r.Client.HostName == host).Client;
                    var managed = await client.ListAsync(DockerEngineClient.ManagedLabel, ct).ConfigureAwait(false);
                    return $"Docker host {host} at {client.Endpoint} answers ({managed.Count} managed containers)";
                });
        }
        if (!string.IsNullOrWhiteSpace(configuration["Telegram:BotToken"]))
            Add(checks, "telegram", "Telegram:BotToken and Telegram:ApiBaseUrl", async (sp, ct) =>
            {
                var me = await sp.GetRequiredService<ITelegramBotClient>().GetMe(ct).ConfigureAwait(false);
                return $"getMe answers as @{me.Username}";
            });
        if (services.Any(d => d.ServiceType == typeof(BybitRestClient)))
            Add(checks, "exchange", "Bybit:BaseUrl (or Bybit:Environment) and Bybit:ApiKey", async (sp, ct) =>
            {
                await sp.GetRequiredService<BybitRestClient>().SyncTimeAsync(ct).ConfigureAwait(false);
                return "Bybit answers /v5/market/time";
            });
        if (configuration.GetSection(LlmOptions.Section).Get<LlmOptions>() is { } llm && llm.EffectiveMode != LanguageModelMode.Off && !string.IsNullOrWhiteSpace(llm.Endpoint))
            Add(checks, "model", "Llm:Endpoint and Llm:ApiKey", async (sp, ct) =>
            {
                var options = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.Endpoint!.TrimEnd('/') + "/models"));
                if (!string.IsNullOrWhiteSpace(options.ApiKey)) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                using var response = await sp.GetRequiredService<IHttpClientFactory>().CreateClient().SendAsync(request, ct).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw new HttpRequestException($"GET /models answered {(int)response.StatusCode} {response.ReasonPhrase}");
                return $"model endpoint answers GET /models";
            });
        return services;
    }

    // The same host names the Docker adapter gives its clients: "default" for Docker:Endpoint (or the local socket when
    // no host is named), then each Docker:Hosts:<name>.
    private static IEnumerable<string> ConfiguredDockerHosts(IConfiguration configuration)
    {
        var section = configuration.GetSection(DockerOptions.SectionName);
        var named = section.GetSection("Hosts").GetChildren().Select(c => ContainerHosts.Normalize(c.Key)).ToList();
        if (!string.IsNullOrWhiteSpace(section["Endpoint"]) || named.Count == 0) named.Insert(0, ContainerHosts.Default);
        return named.Distinct(StringComparer.Ordinal);
    }

    private static void Add(IHealthChecksBuilder checks, string name, string setting, Func<IServiceProvider, CancellationToken, Task<string>> probe) =>
        checks.Add(new HealthCheckRegistration(name,
            sp => new DependencyHealthCheck(setting, probe, sp, sp.GetRequiredService<SecretRedactor>()),
            HealthStatus.Unhealthy, [ReadyTag]));

    /// <summary>Maps /healthz, /readyz and (when enabled) /metrics.</summary>
    public static WebApplication MapAiTradingBotObservability(this WebApplication app)
    {
        // Liveness only: the process serves requests. Dependencies belong to /readyz, so a Redis outage does not get
        // the container killed and restarted in a loop.
        // No IO here: the mode and the runtime's description are properties.
        app.MapGet("/healthz", (IExchange exchange, IContainerRuntime runtime) =>
            Results.Ok(new { status = "ok", mode = exchange.Mode.Label, systems = runtime.Description }));
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = ReadinessResponse.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        if (app.Configuration.GetValue("Telemetry:Prometheus", true))
            app.MapPrometheusScrapingEndpoint("/metrics").Add(endpoint =>
            {
                var scrape = endpoint.RequestDelegate!;
                endpoint.RequestDelegate = async context =>
                {
                    var decision = await context.RequestServices.GetRequiredService<IMetricsAccessPolicy>().DecideAsync(context).ConfigureAwait(false);
                    if (decision == MetricsAccessDecision.Allowed)
                    {
                        await scrape(context).ConfigureAwait(false);
                        return;
                    }
                    if (decision == MetricsAccessDecision.Unauthenticated) context.Response.Headers.WWWAuthenticate = "Bearer";
                    await Results.Problem(decision == MetricsAccessDecision.Forbidden
                            ? "Metrics need an admin API token (Web:ApiTokens:<name>:Role Admin); this token is not an admin's."
                            : "Metrics are served to local requests, or to a remote caller with an admin API token (Authorization: Bearer).",
                            statusCode: decision == MetricsAccessDecision.Forbidden ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized)
                        .ExecuteAsync(context).ConfigureAwait(false);
                };
            });
        return app;
    }
}
