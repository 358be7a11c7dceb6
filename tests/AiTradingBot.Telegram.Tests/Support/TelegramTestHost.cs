using AiTradingBot.Core;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Ports;
using AiTradingBot.Paper;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Testing;
using AiTradingBot.Telegram.Updates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>
/// A `run`-like host: the real core (AddAiTradingBotCore) with the paper exchange and demo systems, and the Telegram
/// channel polling the emulator. Hosts of one test share the live-state store and audit log, like instances on Redis.
/// </summary>
public sealed class TelegramTestHost : IAsyncDisposable
{
    /// <summary>Admin user id.</summary>
    public const long Admin = 1001;

    /// <summary>A user nobody configured.</summary>
    public const long Stranger = 6666;

    private readonly IHost _host;

    private TelegramTestHost(IHost host) => _host = host;

    /// <summary>Services of the running host.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Builds and starts a host against the emulator.</summary>
    public static async Task<TelegramTestHost> StartAsync(string emulatorUrl, string token, IKeyValueStore store, IAuditLog audit,
        TimeProvider? time = null, IDictionary<string, string?>? settings = null, CapturingLoggerProvider? logs = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var config = new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = token,
            ["Telegram:AdminIds:0"] = Admin.ToString(),
            ["Telegram:ApiBaseUrl"] = emulatorUrl,
            ["Telegram:PollTimeoutSeconds"] = "0",
            ["Telegram:PollIdleDelay"] = "00:00:00.100",
            ["Telegram:MaxMessagesPerSecondPerChat"] = "0",
            ["Telegram:MaxRetries"] = "1",
            ["Telegram:RetryBaseDelay"] = "00:00:00.050",
            ["Storage:Ephemeral"] = "true",
        };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) config[k] = v;
        builder.Configuration.AddInMemoryCollection(config);
        builder.Logging.ClearProviders();
        if (logs is not null) builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(audit);
        builder.Services.AddAiTradingBotCore(builder.Configuration);
        builder.Services.AddAiTradingBotPaper(builder.Configuration);
        builder.Services.AddAiTradingBotTelegram(builder.Configuration);
        // The product talks to the emulator as to the real Bot API; the shim corrects the emulator's deviations.
        builder.Services.AddHttpClient(TelegramApi.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new TelegramEmulatorShim());
        var host = builder.Build();
        await host.StartAsync();
        return new TelegramTestHost(host);
    }

    /// <summary>A unique token per test, so tests share one emulator without seeing each other's messages.</summary>
    public static string NewToken() => $"{Random.Shared.NextInt64(100_000, 999_999_999)}:test-{Guid.NewGuid():N}";

    /// <summary>A store and audit log shared by the hosts of one test.</summary>
    public static (InMemoryKeyValueStore Store, InMemoryAuditLog Audit) SharedState(TimeProvider? time = null) =>
        (new InMemoryKeyValueStore(time ?? TimeProvider.System), new InMemoryAuditLog());

    /// <summary>The polling service's offset key value.</summary>
    public string OffsetKey => _host.Services.GetServices<IHostedService>().OfType<TelegramPollingService>().Single().OffsetKey;

    /// <summary>Stops the host (as a process exit would, gracefully).</summary>
    public async Task StopAsync()
    {
        await _host.StopAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(); } catch (ObjectDisposedException) { }
        _host.Dispose();
    }
}
