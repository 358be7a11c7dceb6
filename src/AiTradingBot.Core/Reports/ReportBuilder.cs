using System.Text;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Execution.Handlers;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Reports;

/// <summary>
/// Builds the daily, sitrep and pnl reports as Telegram HTML and plain text from the same typed data the
/// actions return. An empty account says so plainly instead of showing zeros as if they were data.
/// </summary>
public sealed class ReportBuilder(
    SystemStepHandler systems,
    PortfolioStepHandler portfolio,
    IExchange exchange,
    IContainerRuntime runtime,
    IFillStore fills,
    IAuditLog audit,
    TimeProvider time,
    IOptions<AssistantOptions> options,
    Charts.ChartService? charts = null,
    ILogger<ReportBuilder>? logger = null)
{
    /// <summary>Builds a report now.</summary>
    public async Task<ReportResult> BuildAsync(ReportKind kind, CancellationToken ct)
    {
        var html = new StringBuilder();
        var text = new StringBuilder();
        void Add(Func<ReplyRenderer, string> part)
        {
            if (html.Length > 0) { html.Append("\n\n"); text.Append("\n\n"); }
            html.Append(part(new ReplyRenderer(HtmlMarkup.Instance, time)));
            text.Append(part(new ReplyRenderer(PlainMarkup.Instance, time)));
        }
        var title = $"{kind.ToString().ToUpperInvariant()} REPORT · {Format.Time(time.GetUtcNow())} · {exchange.Mode.Label}";
        html.Append("<b>").Append(HtmlMarkup.Instance.Escape(title)).Append("</b>");
        text.Append(title);

        switch (kind)
        {
            case ReportKind.Sitrep:
                await AddSitrepAsync(Add, ct).ConfigureAwait(false);
                break;
            case ReportKind.Pnl:
                foreach (var period in new[] { PnlPeriod.Today, PnlPeriod.Week, PnlPeriod.Month })
                {
                    var s = await portfolio.PnlAsync(period, null, ct).ConfigureAwait(false);
                    Add(r => r.Pnl(s));
                }
                break;
            default:
                await DailyAsync(Add, ct).ConfigureAwait(false);
                break;
        }
        var chart = kind == ReportKind.Daily ? await WeekChartAsync(ct).ConfigureAwait(false) : null;
        return new ReportResult(kind, html.ToString(), text.ToString()) { Chart = chart };
    }

    // The daily report's picture; a chart that cannot be drawn must not cost the operator the report.
    private async Task<ChartResult?> WeekChartAsync(CancellationToken ct)
    {
        if (charts is not { Available: true }) return null;
        try
        {
            return await charts.RenderAsync(ChartKind.Equity, PnlPeriod.Week, null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger?.LogWarning("The daily report's equity chart could not be drawn: {Error}", e.Message);
            return null;
        }
    }

    private async Task DailyAsync(Action<Func<ReplyRenderer, string>> add, CancellationToken ct)
    {
        var pnl = await portfolio.PnlAsync(PnlPeriod.Today, null, ct).ConfigureAwait(false);
        add(r => r.Pnl(pnl));
        var trend = await DailyTrendAsync(14, ct).ConfigureAwait(false);
        if (trend.Any(v => v != 0)) add(r => $"Realized PnL, last 14 days: {Sparkline.Of(trend)}");
        var positions = await exchange.GetPositionsAsync(null, ct).ConfigureAwait(false);
        add(r => r.RenderResult(new PositionsResult(null, positions, exchange.Mode)));
        var wallet = await exchange.GetWalletAsync(ct).ConfigureAwait(false);
        add(r => r.RenderResult(new BalanceResult(wallet, exchange.Mode)));
        await AddSitrepAsync(add, ct).ConfigureAwait(false);
        var since = time.GetUtcNow().AddDays(-1);
        var denials = (await audit.ReadRecentAsync(500, ct).ConfigureAwait(false))
            .Where(a => a.Time >= since && a.Decision == Audit.AuditDecision.Refused && a.Reasons.Count > 0 && a.Reasons[0] != "access denied").ToList();
        add(r => denials.Count == 0 ? "No risk events in the last 24 h." : $"Risk events in the last 24 h: {denials.Count} refusal(s); latest: {denials[0].Reasons[0]}");
    }

    private async Task AddSitrepAsync(Action<Func<ReplyRenderer, string>> add, CancellationToken ct)
    {
        try
        {
            var sitrep = new SystemsReportResult(false, await systems.ReportAsync("all", ct).ConfigureAwait(false), runtime.IsDemo);
            add(r => r.RenderResult(sitrep));
        }
        catch (StepFailedException e)
        {
            // A dead daemon must not cost the operator the rest of the report.
            add(r => "⚠️ Systems could not be read: " + r.Escape(e.Message));
        }
    }

    private async Task<decimal[]> DailyTrendAsync(int days, CancellationToken ct)
    {
        var zone = PnlPeriods.Zone(options.Value.TimeZone);
        var today = PnlPeriods.Range(PnlPeriod.Today, time.GetUtcNow(), zone).From!.Value;
        var from = today.AddDays(-(days - 1));
        var list = await fills.QueryAsync(new FillQuery(from, time.GetUtcNow()), ct).ConfigureAwait(false);
        var values = new decimal[days];
        foreach (var f in list)
        {
            var i = (int)Math.Floor((f.ExecTime - from).TotalDays);
            if (i >= 0 && i < days) values[i] += f.RealizedPnl - f.Fee;
        }
        return values;
    }
}
