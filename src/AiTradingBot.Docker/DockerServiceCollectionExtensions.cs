using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
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
    /// Registers the Docker hosts as <see cref="IContainerRuntime"/> (a <see cref="DockerHostRouter"/>) when <c>Docker:Endpoint</c>
    /// or any <c>Docker:Hosts:&lt;name&gt;:Endpoint</c> is configured (an endpoint that does not answer is then an error at use
    /// time naming the host and endpoint, never a silent fallback), or when the default socket <c>/var/run/docker.sock</c>
    /// exists and answers <c>/_ping</c> within a second. Otherwise registers nothing, and the host falls back to its clearly
    /// labelled demo runtime.
    /// </summary>
    public static IServiceCollection AddAiTradingBotDocker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(DockerOptions.SectionName);
        var endpointConfigured = !string.IsNullOrWhiteSpace(section["Endpoint"]);
        var hostsConfigured = section.GetSection("Hosts").GetChildren().Any();
        if (!endpointConfigured && !hostsConfigured && !DefaultSocketAnswers()) return services;
        // Without Docker:Endpoint but with named hosts, there is a default host only if one is named so.
        var withDefault = endpointConfigured || !hostsConfigured;

        services.AddOptions<DockerOptions>().Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DockerOptions>>(sp =>
            new DockerOptionsValidator(withDefault, sp.GetService<SystemRegistry>(), sp.GetService<IOptions<LaunchOptions>>()));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<DockerOptions>>().Value;
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var logger = sp.GetService<ILogger<DockerEngineClient>>();
            var clients = new List<DockerEngineClient>();
            if (withDefault) clients.Add(new DockerEngineClient(options, time, logger, ContainerHosts.Default));
            foreach (var (name, host) in options.Hosts)
            {
                if (ContainerHosts.IsDefault(name) && withDefault)
                    throw new OptionsValidationException(DockerOptions.SectionName, typeof(DockerOptions),
                        ["Docker:Hosts:default and Docker:Endpoint both name the default host; keep one of them."]);
                clients.Add(new DockerEngineClient(options.ForHost(host), time, logger, name));
            }
            return new DockerHostRouter(clients.Select(c => new DockerContainerRuntime(c)));
        });
        // The default host's client, for callers that need Docker-specific calls (benchmarks, tools).
        services.AddSingleton(sp => sp.GetRequiredService<DockerHostRouter>().Runtimes.First().Client);
        services.AddSingleton(sp => sp.GetRequiredService<DockerHostRouter>().Runtimes.First());
        // Plain registration (not TryAdd) so the real runtime wins over a demo one registered earlier.
        services.AddSingleton<IContainerRuntime>(sp => sp.GetRequiredService<DockerHostRouter>());
        return services;
    }

    private static bool DefaultSocketAnswers() =>
        DockerSocketProbe.Answers(DockerEndpoint.Parse(DockerOptions.DefaultEndpoint).SocketPath!, DefaultSocketProbeTimeout);
}
