using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Ports;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Core.Tests.Support;

/// <summary>The real core with its embedded defaults (paper exchange, demo systems, in-process stores), a manual clock and settable prices.</summary>
public sealed class CoreTestHost : IAsyncDisposable
{
    /// <summary>Admin user.</summary>
    public static readonly Principal Admin = new("100", "alice", UserRole.Admin);

    /// <summary>Another admin.</summary>
    public static readonly Principal OtherAdmin = new("200", "bob", UserRole.Admin);

    /// <summary>A read-only viewer.</summary>
    public static readonly Principal Viewer = new("300", "vera", UserRole.Viewer);

    /// <summary>A stranger.</summary>
    public static readonly Principal Stranger = new("666", "mallory", UserRole.None);

    private readonly ServiceProvider _services;

    /// <summary>The clock.</summary>
    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The prices.</summary>
    public SettablePrices Prices { get; } = new();

    /// <summary>Builds the core with optional configuration overrides; <paramref name="decorate"/> runs last, to wrap registered services.</summary>
    public CoreTestHost(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null, Action<IServiceCollection>? decorate = null)
    {
        var values = new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton<IPaperPriceSource>(Prices);
        configure?.Invoke(services);
        services.AddAiTradingBotPaper(configuration);
        services.AddAiTradingBotCore(configuration);
        decorate?.Invoke(services);
        _services = services.BuildServiceProvider();
    }

    /// <summary>Resolves a service.</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The assistant.</summary>
    public IAssistant Assistant => Get<IAssistant>();

    /// <summary>Sends a message as a user in a chat.</summary>
    public Task<AssistantReply> SayAsync(string text, Principal? user = null, string chat = "chat-1") =>
        Assistant.HandleAsync(new IncomingMessage("test", chat, user ?? Admin, text), CancellationToken.None);

    /// <summary>Confirms as a user in a chat.</summary>
    public Task<AssistantReply> ConfirmAsync(string? id, Principal? user = null, string chat = "chat-1") =>
        Assistant.ConfirmAsync(new ConfirmationRequest("test", chat, user ?? Admin, id), CancellationToken.None);

    /// <summary>Cancels as a user in a chat.</summary>
    public Task<AssistantReply> CancelAsync(string? id, Principal? user = null, string chat = "chat-1") =>
        Assistant.CancelAsync(new ConfirmationRequest("test", chat, user ?? Admin, id), CancellationToken.None);

    /// <summary>The demo runtime.</summary>
    public IContainerRuntime Runtime => Get<IContainerRuntime>();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
