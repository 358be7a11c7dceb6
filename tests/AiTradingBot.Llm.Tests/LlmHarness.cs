using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Llm.Agent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Llm.Tests;

/// <summary>A read-only runner that answers from a table and records what it was asked (a unit-test fake).</summary>
public sealed class RecordingToolRunner(Func<PlanStep, string> answer) : IReadOnlyToolRunner
{
    /// <summary>Steps it was asked to run.</summary>
    public List<PlanStep> Ran { get; } = [];

    /// <summary>Conversations the runs were made for.</summary>
    public List<string?> Conversations { get; } = [];

    /// <inheritdoc />
    public Task<string> RunAsync(PlanStep step, string? conversation, CancellationToken ct)
    {
        if (step.Effect != AiTradingBot.Core.Catalog.ActionEffect.Read) throw new InvalidOperationException("a state-changing step reached the read-only runner");
        Ran.Add(step);
        Conversations.Add(conversation);
        return Task.FromResult(answer(step));
    }
}

/// <summary>The function name the model sees for a catalog action (<c>system.stop</c> → <c>systems-system_stop</c>).</summary>
public static class Fn
{
    /// <summary>The tool name of a catalog action; throws for an unknown one.</summary>
    public static string Of(string action) => CatalogFunctions.ToolNameOf(action) ?? throw new ArgumentException($"no catalog action {action}");
}

/// <summary>Captures log messages so tests can check what is (not) logged.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    /// <summary>Every formatted message and exception text.</summary>
    public List<string> Lines { get; } = [];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this);

    /// <inheritdoc />
    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.Lines) owner.Lines.Add(formatter(state, exception) + " " + exception);
        }
    }
}

/// <summary>Builds the interpreter through the real registration, pointed at a scripted server.</summary>
public static class LlmHarness
{
    /// <summary>Configuration for an endpoint, plus extra keys.</summary>
    public static IConfiguration Config(string endpoint, params (string Key, string Value)[] extra)
    {
        var values = new Dictionary<string, string?>
        {
            ["Llm:Mode"] = "primary",
            ["Llm:Endpoint"] = endpoint,
            ["Llm:Model"] = "scripted-model",
            ["Llm:ApiKey"] = "sk-test-SECRET-123",
            ["Llm:TimeoutSeconds"] = "5",
        };
        foreach (var (k, v) in extra) values[k] = v;
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    /// <summary>A service provider with the Llm adapter, an in-process key-value store and optionally a runner.</summary>
    public static ServiceProvider Services(IConfiguration config, IReadOnlyToolRunner? runner = null, CapturingLoggerProvider? logs = null, IKeyValueStore? store = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null) b.AddProvider(logs);
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IKeyValueStore>(store ?? new InMemoryKeyValueStore(TimeProvider.System));
        if (runner is not null) services.AddSingleton(runner);
        services.AddAiTradingBotLlm(config);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    /// <summary>The registered language-model interpreter.</summary>
    public static ILanguageModelInterpreter Interpreter(this ServiceProvider sp) => sp.GetRequiredService<ILanguageModelInterpreter>();
}
