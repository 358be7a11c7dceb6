using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Charts;

/// <summary>
/// Turns fills (and, for the whole account, the wallet's current marks) into chart data for a period in the configured
/// time zone. Account equity is walked back from today's wallet: the balance before the period is today's realized
/// balance minus every fill's net PnL since the period began; each fill then steps the curve, and the last point
/// is the wallet's equity at current marks. A system has no wallet of its own, so its curve is its cumulative net
/// realized PnL from zero. PnL per day is realized PnL minus fees of the fills of each local day.
/// </summary>
public sealed class ChartDataBuilder(IFillStore fills, IExchange exchange, TimeProvider time, IOptions<AssistantOptions> assistant, IOptions<ChartOptions> options)
{
    /// <summary>Chart data of a kind over a period, for the account or one system (bot id).</summary>
    public async Task<ChartData> BuildAsync(ChartKind kind, PnlPeriod period, string? system, CancellationToken ct)
    {
        var zone = PnlPeriods.Zone(assistant.Value.TimeZone);
        var now = time.GetUtcNow();
        var (from, to) = PnlPeriods.Range(period, now, zone);
        // Up to now, not to the period's end: the account walk-back needs the fills after a past period too.
        var since = (await fills.QueryAsync(new FillQuery(from, now, BotId: system), ct).ConfigureAwait(false))
            .OrderBy(f => f.ExecTime).ThenBy(f => f.ExecId, StringComparer.Ordinal).ToList();
        var inPeriod = since.Where(f => f.ExecTime < to || to == now).ToList();
        var start = from ?? (inPeriod.Count > 0 ? StartOfDay(inPeriod[0].ExecTime, zone) : StartOfDay(now, zone));
        var currency = options.Value.Currency;
        if (kind == ChartKind.Pnl)
            return new ChartData(kind, period, system, start, to, zone, exchange.Mode, currency, inPeriod.Count, [], Daily(inPeriod, start, to, zone, period == PnlPeriod.Week));

        var points = new List<EquityPoint>(inPeriod.Count + 2);
        if (system is not null)
        {
            decimal cumulative = 0;
            points.Add(new EquityPoint(start, 0));
            foreach (var f in inPeriod) points.Add(new EquityPoint(f.ExecTime, cumulative += f.RealizedPnl - f.Fee));
            points.Add(new EquityPoint(to, cumulative));
        }
        else
        {
            var wallet = await exchange.GetWalletAsync(ct).ConfigureAwait(false);
            var realizedNow = wallet.Equity - wallet.UnrealizedPnl;
            var equity = realizedNow - since.Sum(f => f.RealizedPnl - f.Fee);
            points.Add(new EquityPoint(start, equity));
            foreach (var f in inPeriod) points.Add(new EquityPoint(f.ExecTime, equity += f.RealizedPnl - f.Fee));
            // A period that ends now ends at the marks; a past one at its last realized balance.
            points.Add(new EquityPoint(to, to == now ? wallet.Equity : equity));
        }
        return new ChartData(kind, period, system, start, to, zone, exchange.Mode, currency, inPeriod.Count, points, []);
    }

    private static List<DailyPnl> Daily(IReadOnlyList<Fill> list, DateTimeOffset from, DateTimeOffset to, TimeZoneInfo zone, bool wholeWeek)
    {
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        // A period ending exactly at midnight (yesterday) does not include the next day.
        var lastLocal = TimeZoneInfo.ConvertTime(to, zone).DateTime;
        var last = DateOnly.FromDateTime(lastLocal.TimeOfDay == TimeSpan.Zero && to > from ? lastLocal.AddTicks(-1) : lastLocal);
        // A week shows all seven days (the rest of the week empty) so Monday's chart is not one bar across the picture.
        if (wholeWeek && last < first.AddDays(6)) last = first.AddDays(6);
        var byDay = list.GroupBy(f => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(f.ExecTime, zone).DateTime))
            .ToDictionary(g => g.Key, g => (Net: g.Sum(f => f.RealizedPnl - f.Fee), Count: g.Count()));
        var days = new List<DailyPnl>();
        for (var d = first; d <= last; d = d.AddDays(1))
            days.Add(byDay.TryGetValue(d, out var v) ? new DailyPnl(d, v.Net, v.Count) : new DailyPnl(d, 0, 0));
        return days;
    }

    private static DateTimeOffset StartOfDay(DateTimeOffset t, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(t, zone).Date;
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }
}
