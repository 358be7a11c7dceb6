using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Charts;

/// <summary>
/// Produces a chart picture with its one-line caption; the <c>portfolio.chart</c> action, the daily report and any
/// channel (the web channel's chart endpoint) call this. Without a renderer (a bare core) it says charts are unavailable.
/// </summary>
public sealed class ChartService(ChartDataBuilder builder, IOptions<ChartOptions> options, IChartRenderer? renderer = null)
{
    /// <summary>True when a renderer is registered.</summary>
    public bool Available => renderer is not null;

    /// <summary>Builds and renders a chart at the configured size.</summary>
    public async Task<ChartResult> RenderAsync(ChartKind kind, PnlPeriod period, string? system, CancellationToken ct)
    {
        if (renderer is null) throw new StepFailedException("Charts are not available in this build (no chart renderer is registered).");
        var data = await builder.BuildAsync(kind, period, system, ct).ConfigureAwait(false);
        var (w, h) = (options.Value.Width, options.Value.Height);
        var png = renderer.RenderPng(data, w, h);
        return new ChartResult(kind, period, system, Caption(data), w, h, data.Mode, png);
    }

    /// <summary>"📈 Account equity · this week · PAPER: 10,000.00 → 10,050.00 USDT (+50.00), 4 fills".</summary>
    public static string Caption(ChartData data)
    {
        if (data.IsEmpty) return $"{Icon(data)} {data.Title}: no trades in this period";
        if (data.Kind == ChartKind.Pnl)
        {
            var net = data.Days.Sum(d => d.NetPnl);
            var best = data.Days.MaxBy(d => d.NetPnl)!;
            var worst = data.Days.MinBy(d => d.NetPnl)!;
            return $"{Icon(data)} {data.Title}: net {Signed(net)} {data.Currency} over {data.Fills} fill(s); best day {Signed(best.NetPnl)}, worst {Signed(worst.NetPnl)}";
        }
        var first = data.Equity[0].Equity;
        var last = data.Equity[^1].Equity;
        return $"{Icon(data)} {data.Title}: {Money(first)} → {Money(last)} {data.Currency} ({Signed(last - first)}), {data.Fills} fill(s)";
    }

    private static string Money(decimal v) => v.ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture);

    private static string Signed(decimal v) => (v > 0 ? "+" : "") + Money(v);

    private static string Icon(ChartData data) => data.Kind == ChartKind.Equity ? "📈" : "📊";
}
