using AiTradingBot.Core;
using AiTradingBot.Core.Charts;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Charts.Tests;

/// <summary>A clock that moves only when told to.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock.</summary>
    public void Set(DateTimeOffset now) => _now = now;
}

/// <summary>The real core (paper exchange, in-memory fill store) with the ScottPlot renderer and a manual clock.</summary>
public sealed class ChartTestHost : IAsyncDisposable
{
    /// <summary>Tuesday 2026-11-24 15:00 UTC: the week began on Monday the 23rd, the month on the 1st.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 15, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private int _exec;

    /// <summary>The clock.</summary>
    public ManualClock Clock { get; } = new(Now);

    /// <summary>Builds the host.</summary>
    public ChartTestHost(IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>()) values[k] = v;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(Clock);
        services.AddAiTradingBotPaper(configuration);
        services.AddAiTradingBotCharts();
        services.AddAiTradingBotCore(configuration);
        _services = services.BuildServiceProvider();
    }

    /// <summary>Resolves a service.</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The chart service.</summary>
    public ChartService Charts => Get<ChartService>();

    /// <summary>A round trip (buy, then sell an hour later) of a bot; fees 0.1 per fill.</summary>
    public async Task RoundTripAsync(string bot, DateTimeOffset at, decimal buy, decimal sell, decimal qty = 1)
    {
        await FillAsync(bot, OrderSide.Buy, buy, qty, at);
        await FillAsync(bot, OrderSide.Sell, sell, qty, at.AddHours(1));
    }

    /// <summary>One fill.</summary>
    public Task FillAsync(string bot, OrderSide side, decimal price, decimal qty, DateTimeOffset at)
    {
        var id = Interlocked.Increment(ref _exec);
        return Get<IFillStore>().IngestAsync(
            [new ExecutionReport($"e{id:D6}", $"o{id:D6}", null, bot, "BTCUSDT", OrderCategory.Linear, side, price, qty, 0.1m, "USDT", at)],
            CancellationToken.None);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
