using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm.Agent;
using AiTradingBot.Llm.Context;
using AiTradingBot.Llm.Prompts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using Polly;
using SkKernel = Microsoft.SemanticKernel.Kernel;

namespace AiTradingBot.Llm;

/// <summary>Registers the Llm adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class LlmServiceCollectionExtensions
{
    /// <summary>Name of the HTTP client used for the model endpoint.</summary>
    public const string HttpClientName = "AiTradingBot.Llm";

    /// <summary>
    /// Adds the Llm adapter: validated <see cref="LlmOptions"/> and the <see cref="PromptLibrary"/> always; the
    /// Semantic Kernel (catalog plugins, OpenAI-compatible chat completion) and the <see cref="ILanguageModelInterpreter"/>
    /// only when <c>Llm:Mode</c> is not off and <c>Llm:Endpoint</c> is set. An <see cref="IChatCompletionService"/>
    /// registered before this call replaces the OpenAI-compatible one.
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

        // The model call has no side effects, so 429 and 5xx are retried with backoff (Retry-After honoured); the
        // client timeout bounds one call with its retries, and the interpreter's own timeout bounds the whole turn.
        services.AddHttpClient(HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(configured.TimeoutSeconds))
            .RedactLoggedHeaders(_ => true)
            .AddResilienceHandler("llm-retry", b => b.AddRetry(RetryOptions(configured)));
        services.TryAddSingleton<IChatCompletionService>(sp => CreateChatCompletion(
            sp.GetRequiredService<IOptions<LlmOptions>>().Value, sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            var redactor = sp.GetService<SecretRedactor>() ?? new SecretRedactor(configuration.AsEnumerable().Where(kv => SecretRedactor.IsSecretKey(kv.Key)).Select(kv => kv.Value));
            // Read-only tools run in the turn through the core executor when the host has one (never anything else).
            var runner = sp.GetService<IReadOnlyToolRunner>()
                ?? (sp.GetService<PlanExecutor>() is { } executor
                    ? new CoreReadOnlyToolRunner(executor, sp.GetService<IAuditLog>(), sp.GetService<IExchange>()?.Mode.Label ?? "", redactor, time,
                        sp.GetService<ILogger<CoreReadOnlyToolRunner>>())
                    : null);
            return new LlmAgent(CatalogKernel.Create(sp.GetRequiredService<IChatCompletionService>(), Systems(sp, configuration), runner, options, redactor,
                sp.GetService<ILoggerFactory>()), runner is not null);
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LlmOptions>>().Value;
            var time = sp.GetService<TimeProvider>() ?? TimeProvider.System;
            // Context needs the shared key-value store (Redis or in-process); without one the interpreter keeps none.
            var memory = sp.GetService<IKeyValueStore>() is { } store
                ? new ConversationMemory(store, options, time, sp.GetRequiredService<ILogger<ConversationMemory>>())
                : null;
            var agent = sp.GetRequiredService<LlmAgent>();
            return new LlmInterpreter(agent.Kernel, Systems(sp, configuration), sp.GetRequiredService<PromptLibrary>(), options, memory, agent.CanRead, time,
                sp.GetRequiredService<ILogger<LlmInterpreter>>());
        });
        services.TryAddSingleton<ILanguageModelInterpreter>(sp => sp.GetRequiredService<LlmInterpreter>());
        return services;
    }

    /// <summary>The OpenAI-compatible chat completion for the options, over the given HTTP client (its timeout and handlers apply).</summary>
    public static OpenAIChatCompletionService CreateChatCompletion(LlmOptions options, HttpClient http, ILoggerFactory? loggerFactory = null)
    {
        // The endpoint is used as given, /v1 included (nothing adds it). The SDK's own retries are off: the HTTP client's
        // resilience handler retries, and its timeout applies. Local servers need no key, but the SDK requires one.
        var client = new OpenAIClient(new ApiKeyCredential(string.IsNullOrWhiteSpace(options.ApiKey) ? "unused" : options.ApiKey), new OpenAIClientOptions
        {
            Endpoint = new Uri(options.Endpoint!.TrimEnd('/') + "/"),
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = http.Timeout,
        });
        return new OpenAIChatCompletionService(options.Model, client, loggerFactory);
    }

    /// <summary>Retry of the model call: 429, 5xx and transport failures, exponential backoff with jitter.</summary>
    public static HttpRetryStrategyOptions RetryOptions(LlmOptions options) => new()
    {
        MaxRetryAttempts = Math.Max(1, options.MaxRetries),
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromMilliseconds(options.RetryDelayMilliseconds),
        ShouldRetryAfterHeader = true,
        ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && args.Outcome switch
        {
            { Exception: HttpRequestException } => true,
            { Result: { } r } => r.StatusCode == HttpStatusCode.TooManyRequests || (int)r.StatusCode >= 500,
            _ => false,
        }),
    };

    private static SystemRegistry Systems(IServiceProvider sp, IConfiguration configuration) =>
        sp.GetService<SystemRegistry>() ?? SystemRegistry.FromOptions(configuration.GetSection("Systems").Get<Dictionary<string, SystemOptions>>());
}

/// <summary>The host's kernel with the catalog plugins, and whether in-turn reads can run.</summary>
public sealed record LlmAgent(SkKernel Kernel, bool CanRead);
