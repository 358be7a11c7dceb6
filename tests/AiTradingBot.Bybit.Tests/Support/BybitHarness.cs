using AiTradingBot.Bybit.Tests.Server;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Bybit.Tests.Support;

/// <summary>The adapter wired as the host wires it (AddAiTradingBotBybit), against a <see cref="BybitTestServer"/>.</summary>
public sealed class BybitHarness : IAsyncDisposable
{
    private readonly List<IHostedService> _started = [];

    private BybitHarness(BybitTestServer server, ServiceProvider services, CapturingLoggerProvider logs, InMemoryFills fills)
    {
        Server = server;
        Services = services;
        Logs = logs;
        Fills = fills;
    }

    public BybitTestServer Server { get; }
    public ServiceProvider Services { get; }
    public CapturingLoggerProvider Logs { get; }
    public InMemoryFills Fills { get; }
    public IExchange Exchange => Services.GetRequiredService<IExchange>();
    internal BybitPrivateStream Stream => Services.GetRequiredService<BybitPrivateStream>();

    /// <summary>A server and the adapter configured for it; <paramref name="overrides"/> change configuration keys.</summary>
    public static async Task<BybitHarness> StartAsync(Dictionary<string, string?>? overrides = null, BybitTestServer? server = null,
        Action<IServiceCollection, IConfiguration>? fillsPath = null)
    {
        server ??= await BybitTestServer.StartAsync();
        var settings = server.Configuration();
        settings["Bybit:RequestTimeout"] = "00:00:10"; // tests that hang a request shorten it
        settings["Bybit:PingInterval"] = "00:00:01";
        settings["Bybit:MaxReconnectDelay"] = "00:00:02";
        foreach (var (k, v) in overrides ?? []) settings[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturingLoggerProvider();
        var fills = new InMemoryFills();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        if (fillsPath is null)
        {
            services.AddSingleton<IExecutionSink>(fills);
            services.AddSingleton<IFillStore>(fills);
        }
        else fillsPath(services, configuration); // the real fills path and store
        services.AddAiTradingBotBybit(configuration);
        return new BybitHarness(server, services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = fillsPath is null }), logs, fills);
    }

    /// <summary>Starts the hosted services (private listener, ticker stream) as the host would.</summary>
    public async Task StartStreamsAsync(CancellationToken ct)
    {
        foreach (var h in Services.GetServices<IHostedService>())
        {
            await h.StartAsync(ct);
            _started.Add(h);
        }
    }

    /// <summary>Waits until a condition holds, or fails after a timeout.</summary>
    public static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var h in _started) await h.StopAsync(CancellationToken.None);
        await Services.DisposeAsync();
        await Server.DisposeAsync();
    }
}
