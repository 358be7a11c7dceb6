using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Docker;

/// <summary>Registers the Docker adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class DockerServiceCollectionExtensions
{
    private static readonly TimeSpan DefaultSocketProbeTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Registers <see cref="DockerContainerRuntime"/> as <see cref="IContainerRuntime"/> when <c>Docker:Endpoint</c> is configured
    /// (an endpoint that does not answer is then an error at use time, never a silent fallback), or when the default socket
    /// <c>/var/run/docker.sock</c> exists and answers <c>/_ping</c> within a second. Otherwise registers nothing, and the
    /// host falls back to its clearly labelled demo runtime.
    /// </summary>
    public static IServiceCollection AddAiTradingBotDocker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(DockerOptions.SectionName);
        var configured = !string.IsNullOrWhiteSpace(section["Endpoint"]);
        if (!configured && !DefaultSocketAnswers()) return services;

        services.AddOptions<DockerOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DockerOptions>, DockerOptionsValidator>();
        services.AddSingleton(sp => new DockerEngineClient(
            sp.GetRequiredService<IOptions<DockerOptions>>().Value,
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetService<ILogger<DockerEngineClient>>()));
        services.AddSingleton<DockerContainerRuntime>();
        // Plain registration (not TryAdd) so the real runtime wins over a demo one registered earlier.
        services.AddSingleton<IContainerRuntime>(sp => sp.GetRequiredService<DockerContainerRuntime>());
        return services;
    }

    private static bool DefaultSocketAnswers() =>
        DockerSocketProbe.Answers(DockerEndpoint.Parse(DockerOptions.DefaultEndpoint).SocketPath!, DefaultSocketProbeTimeout);
}
