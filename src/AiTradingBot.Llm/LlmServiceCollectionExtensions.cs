using System.ClientModel;
using System.ClientModel.Primitives;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm.Agent;
using AiTradingBot.Llm.Context;
using AiTradingBot.Llm.OpenAI;
using AiTradingBot.Llm.Prompts;
using AiTradingBot.Llm.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using global::OpenAI;
using global::OpenAI.Chat;

namespace AiTradingBot.Llm;

/// <summary>Registers the Llm adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class LlmServiceCollectionExtensions
{
    /// <summary>Name of the HTTP client used for the model endpoint.</summary>
    public const string HttpClientName = "AiTradingBot.Llm";

    /// <summary>
    /// Adds the Llm adapter: validated <see cref="LlmOptions"/> and the <see cref="PromptLibrary"/> always; the
    /// <see cref="ILanguageModelInterpreter"/> only when <c>Llm:Mode</c> is not off and <c>Llm:Endpoint</c> is set.
    /// An <see cref="IChatClient"/> registered before this call replaces the OpenAI-compatible one.
    /// </summary>
    public static IServiceCollection AddAiTradingBotLlm(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(LlmOptions.Section);
        services.AddOptions<LlmOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidator>());
        services.TryAddSingleton(sp => new PromptLibrary(sp.GetRequiredService<IOptions<LlmOptions>>().Value));

        var configured = section.Get<LlmOptions>() ?? new LlmOptions();
        if (configured.EffectiveMode == LanguageModelMode.Off || string.IsNullOrWhiteSpace(configured.Endpoint)) return services;

        // Our own per-request timeout bounds the call; the retry policy is off so 429/500 fail fast to the offline parser.
        services.AddHttpClient(HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan).RedactLoggedHeaders(_ => true);
        services.TryAddSingleton(sp => new ToolSet(sp.GetService<SystemRegistry>() ?? SystemRegistry.FromOptions(
            configuration.GetSection("Systems").Get<Dictionary<string, SystemOptions>>())));
        services.TryAddSingleton<IChatClient>(sp => CreateChatClient(
            sp.GetRequiredService<IOptions<LlmOptions>>().Value, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName)));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            // Context needs the shared key-value store (Redis or in-process); without one the interpreter keeps none.
            var memory = sp.GetService<IKeyValueStore>() is { } store
                ? new ConversationMemory(store, options, time, sp.GetRequiredService<ILogger<ConversationMemory>>())
                : null;
            // Read-only tools run in the turn through the core executor when the host has one (never gated steps).
            var runner = sp.GetService<IReadOnlyToolRunner>()
                ?? (sp.GetService<PlanExecutor>() is { } executor ? new CoreReadOnlyToolRunner(executor, time, sp.GetService<AiTradingBot.Core.Audit.SecretRedactor>()) : null);
            return new LlmInterpreter(sp.GetRequiredService<IChatClient>(), sp.GetRequiredService<ToolSet>(), sp.GetRequiredService<PromptLibrary>(),
                options, memory, runner, time, sp.GetRequiredService<ILogger<LlmInterpreter>>());
        });
        services.TryAddSingleton<ILanguageModelInterpreter>(sp => sp.GetRequiredService<LlmInterpreter>());
        return services;
    }

    /// <summary>The OpenAI-compatible <see cref="IChatClient"/> for the options, over the given HTTP client.</summary>
    public static IChatClient CreateChatClient(LlmOptions options, HttpClient http)
    {
        var endpoint = new Uri(options.Endpoint!.TrimEnd('/') + "/");
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            NetworkTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            Transport = new HttpClientPipelineTransport(http),
        };
        // Local servers need no key, but the client requires one; a placeholder is sent instead.
        var key = new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "unused" : options.ApiKey);
        return new OpenAIChatClientAdapter(new ChatClient(options.Model, key, clientOptions), endpoint, options.Model);
    }
}
