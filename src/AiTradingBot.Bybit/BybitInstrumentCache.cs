using System.Collections.Concurrent;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Bybit;

/// <summary>Instrument rules (qty step, minimums, tick size, max leverage) cached per symbol and category.</summary>
internal sealed class BybitInstrumentCache(BybitRestClient rest, BybitOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<(string, OrderCategory), (InstrumentRules? Rules, DateTimeOffset At)> _cache = new();

    /// <summary>Rules of a symbol, or null when Bybit does not list it in that category (also cached).</summary>
    public async Task<InstrumentRules?> GetAsync(string symbol, OrderCategory category, CancellationToken ct)
    {
        var key = (symbol, category);
        if (_cache.TryGetValue(key, out var hit) && time.GetUtcNow() - hit.At < options.InstrumentCacheDuration) return hit.Rules;
        var r = await rest.GetPublicAsync("/v5/market/instruments-info",
            BybitRestClient.Query(("category", BybitOrderBuilder.Category(category)), ("symbol", symbol)), ct).ConfigureAwait(false);
        InstrumentRules? rules;
        if (r.RetCode == BybitErrors.ParamError || (r.Ok && !r.Result.Items("list").Any()))
            rules = null;
        else if (!r.Ok)
            throw new ExchangeException($"Bybit could not give the rules of {symbol}: {r.RetMsg}", r.RetCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        else
        {
            var item = r.Result.Items("list").First();
            var status = item.Str("status");
            rules = status is null or "Trading" ? BybitMapping.ToRules(item, category) : null;
        }
        _cache[key] = (rules, time.GetUtcNow());
        return rules;
    }
}
