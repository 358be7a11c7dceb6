using System.Diagnostics;
using AiTradingBot.Charts;
using AiTradingBot.Core;
using AiTradingBot.Core.Charts;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Paper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// Chart rendering on one core (the process is pinned to CPU 0): p50/p99 of a month-of-fills equity and PnL chart,
/// the whole chart service (fills query + figures + ScottPlot PNG) and the renderer alone, and the resident set the
/// first render adds (ScottPlot, SkiaSharp's native library, fonts). Args: [fills=2000] [rounds=200] [--save DIR].
/// </summary>
public sealed class ChartsBenchmark : IBenchmark
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 20, 0, 0, TimeSpan.Zero);

    /// <inheritdoc />
    public string Name => "charts";

    /// <inheritdoc />
    public string Description => "Chart PNG 1000×500 of a month of fills: p50/p99 render time (target p99 < 150 ms on one core), RSS added by the first render";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) Process.GetCurrentProcess().ProcessorAffinity = 1;
        var save = Array.IndexOf(args, "--save") is var s and >= 0 && s + 1 < args.Length ? args[s + 1] : null;
        var numbers = args.Where(a => int.TryParse(a, out _)).Select(int.Parse).ToArray();
        var fillCount = numbers.Length > 0 ? numbers[0] : 2000;
        var rounds = numbers.Length > 1 ? numbers[1] : 200;

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FixedClock(Now));
        services.AddAiTradingBotPaper(configuration).AddAiTradingBotCharts().AddAiTradingBotCore(configuration);
        await using var provider = services.BuildServiceProvider();
        var fills = provider.GetRequiredService<IFillStore>();
        var charts = provider.GetRequiredService<ChartService>();
        var builder = provider.GetRequiredService<ChartDataBuilder>();
        var renderer = provider.GetRequiredService<IChartRenderer>();

        // A month of round trips by three bots, wins and losses, fees on every fill.
        var start = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        var step = (Now - start) / fillCount;
        var random = new Random(19);
        var batch = new List<ExecutionReport>(fillCount);
        for (var i = 0; i < fillCount; i++)
        {
            var price = 50_000m + random.Next(-2_000, 2_000);
            var bot = (i / 2 % 3) switch { 0 => "alpha", 1 => "bravo", _ => "charlie" };
            batch.Add(new ExecutionReport($"bench-{i:D7}", $"o-{i:D7}", null, bot, "BTCUSDT", OrderCategory.Linear, i % 2 == 0 ? OrderSide.Buy : OrderSide.Sell,
                price, 0.01m, 0.3m, "USDT", start + step * i));
        }
        await fills.IngestAsync(batch, ct);

        var equityData = await builder.BuildAsync(ChartKind.Equity, PnlPeriod.Month, null, ct);
        var pnlData = await builder.BuildAsync(ChartKind.Pnl, PnlPeriod.Month, null, ct);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var rssBefore = Rss();
        var first = Stopwatch.StartNew();
        var firstChart = await charts.RenderAsync(ChartKind.Equity, PnlPeriod.Month, null, ct);
        var firstMs = first.Elapsed.TotalMilliseconds;
        var rssAfter = Rss();

        if (save is not null)
        {
            Directory.CreateDirectory(save);
            await File.WriteAllBytesAsync(Path.Combine(save, "equity-month.png"), firstChart.Png, ct);
            await File.WriteAllBytesAsync(Path.Combine(save, "pnl-month.png"), (await charts.RenderAsync(ChartKind.Pnl, PnlPeriod.Month, null, ct)).Png, ct);
            await File.WriteAllBytesAsync(Path.Combine(save, "equity-month-bravo.png"), (await charts.RenderAsync(ChartKind.Equity, PnlPeriod.Month, "bravo", ct)).Png, ct);
            await File.WriteAllBytesAsync(Path.Combine(save, "pnl-week-bravo.png"), (await charts.RenderAsync(ChartKind.Pnl, PnlPeriod.Week, "bravo", ct)).Png, ct);
        }

        for (var i = 0; i < 10; i++) _ = await charts.RenderAsync(i % 2 == 0 ? ChartKind.Equity : ChartKind.Pnl, PnlPeriod.Month, null, ct);
        var serviceEquity = new double[rounds];
        var servicePnl = new double[rounds];
        var renderEquity = new double[rounds];
        var renderPnl = new double[rounds];
        for (var i = 0; i < rounds; i++)
        {
            var t = Stopwatch.GetTimestamp();
            _ = await charts.RenderAsync(ChartKind.Equity, PnlPeriod.Month, null, ct);
            serviceEquity[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            t = Stopwatch.GetTimestamp();
            _ = await charts.RenderAsync(ChartKind.Pnl, PnlPeriod.Month, null, ct);
            servicePnl[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            t = Stopwatch.GetTimestamp();
            _ = renderer.RenderPng(equityData, 1000, 500);
            renderEquity[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            t = Stopwatch.GetTimestamp();
            _ = renderer.RenderPng(pnlData, 1000, 500);
            renderPnl[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        return new
        {
            fills = equityData.Fills,
            equityPoints = equityData.Equity.Count,
            pnlDays = pnlData.Days.Count,
            rounds,
            size = "1000x500",
            pngBytes = firstChart.Png.Length,
            firstRenderMs = Math.Round(firstMs, 1),
            rssBeforeFirstRenderMiB = Math.Round(rssBefore / 1048576.0, 1),
            rssAddedByFirstRenderMiB = Math.Round((rssAfter - rssBefore) / 1048576.0, 1),
            serviceEquityMs = Stats(serviceEquity),
            servicePnlMs = Stats(servicePnl),
            renderOnlyEquityMs = Stats(renderEquity),
            renderOnlyPnlMs = Stats(renderPnl),
            targetP99Ms = 150,
            loadAverage = LoadAverage(),
        };
    }

    private static object Stats(double[] ms)
    {
        var sorted = ms.Order().ToArray();
        double At(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new { p50 = Math.Round(At(0.50), 1), p99 = Math.Round(At(0.99), 1), max = Math.Round(sorted[^1], 1) };
    }

    // VmRSS from /proc: the resident set including native (Skia) memory, which the GC does not see.
    private static long Rss()
    {
        if (!File.Exists("/proc/self/status")) return Environment.WorkingSet;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? Environment.WorkingSet : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "";

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
