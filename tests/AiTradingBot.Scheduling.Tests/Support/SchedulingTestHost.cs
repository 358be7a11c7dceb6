using AiTradingBot.Core;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Ports;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Support;

/// <summary>
/// A `run`-like host composed as the product composes it: the Scheduling adapter, the paper exchange and demo systems,
/// then the real core (whose defaults fill the gaps), plus a recording notification channel. Hosts of one test can
/// share a live-state store (as instances share Redis) and a delivery list.
/// </summary>
public sealed class SchedulingTestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private SchedulingTestHost(IHost host, RecordingChannel channel)
    {
        _host = host;
        Channel = channel;
    }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>What this host published.</summary>
    public RecordingChannel Channel { get; }

    /// <summary>The report scheduler (the adapter's, replacing the core's).</summary>
    public IReportScheduler Scheduler => Services.GetRequiredService<IReportScheduler>();

    /// <summary>Builds a host; <paramref name="start"/> false leaves hosted services stopped, as one-shot verbs do.</summary>
    public static async Task<SchedulingTestHost> CreateAsync(
        IDictionary<string, string?>? settings = null,
        IKeyValueStore? store = null,
        RecordingChannel? channel = null,
        TimeProvider? time = null,
        ILoggerProvider? logs = null,
        bool start = true,
        Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var config = new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true", ["Exchange:Provider"] = "paper" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Information);
        channel ??= new RecordingChannel("host");
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(store ?? new InMemoryKeyValueStore(time ?? TimeProvider.System));
        builder.Services.AddSingleton<INotificationChannel>(channel);
        configure?.Invoke(builder.Services, builder.Configuration);
        builder.Services.AddAiTradingBotPaper(builder.Configuration);
        builder.Services.AddAiTradingBotScheduling(builder.Configuration);
        builder.Services.AddAiTradingBotCore(builder.Configuration);
        var host = builder.Build();
        if (start) await host.StartAsync(TestContext.Current.CancellationToken);
        return new SchedulingTestHost(host, channel);
    }

    /// <summary>Stops the host gracefully (a process exit).</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await _host.StopAsync(CancellationToken.None);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try { await StopAsync(); } catch (ObjectDisposedException) { }
        if (_host is IAsyncDisposable d) await d.DisposeAsync();
        else _host.Dispose();
    }
}
