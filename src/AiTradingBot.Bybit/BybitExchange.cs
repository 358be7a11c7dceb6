using System.Globalization;
using System.Text.Json;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Bybit;

/// <summary>
/// The live <see cref="IExchange"/>: Bybit V5 REST for linear (USDT perpetuals) and spot. Orders are placed at
/// most once: a duplicate orderLinkId means the order exists (it is looked up and returned), and a call whose
/// outcome is unknown is never repeated blindly but looked up by orderLinkId.
/// </summary>
internal sealed class BybitExchange : IExchange
{
    private static readonly TimeSpan LookupRetryDelay = TimeSpan.FromMilliseconds(500);
    private readonly BybitRestClient _rest;
    private readonly BybitInstrumentCache _instruments;
    private readonly BybitPriceCache _prices;
    private readonly BybitOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BybitExchange> _log;

    public BybitExchange(BybitRestClient rest, BybitPriceCache prices, IOptions<BybitOptions> options, TimeProvider time, ILogger<BybitExchange> log)
    {
        _rest = rest;
        _prices = prices;
        _options = options.Value;
        _time = time;
        _log = log;
        _instruments = new BybitInstrumentCache(rest, _options, time);
        Mode = new ExchangeMode(true, "bybit", _options.ParsedEnvironment.ToString().ToLowerInvariant());
    }

    public ExchangeMode Mode { get; }

    public async Task<Ticker> GetTickerAsync(string symbol, OrderCategory category, CancellationToken ct)
    {
        if (_prices.GetFresh(symbol, category, _options.TickerMaxAge) is { } fresh) return fresh;
        var r = await _rest.GetPublicAsync("/v5/market/tickers",
            BybitRestClient.Query(("category", BybitOrderBuilder.Category(category)), ("symbol", symbol)), ct).ConfigureAwait(false);
        if (r.RetCode == BybitErrors.ParamError || (r.Ok && !r.Result.Items("list").Any()))
            throw new ExchangeException($"Bybit has no {BybitOrderBuilder.Category(category)} market {symbol}.", Code(r));
        Ensure(r, $"the price of {symbol}");
        var ticker = BybitMapping.ToTicker(r.Result.Items("list").First(), r.Time is { } t ? BybitJson.FromMs(t) : _time.GetUtcNow());
        _prices.Set(ticker, category);
        if (_options.StreamTickers) _prices.Track(symbol, category);
        return ticker;
    }

    public Task<InstrumentRules?> GetInstrumentAsync(string symbol, OrderCategory category, CancellationToken ct) =>
        _instruments.GetAsync(symbol, category, ct);

    public async Task<OrderResult> PlaceOrderAsync(OrderRequest order, CancellationToken ct)
    {
        // Validate the id before anything else: it is what makes the order idempotent.
        if (!BybitOrderBuilder.IsValidOrderLinkId(order.ClientOrderId))
            return Refused(order, BybitOrderBuilder.Validate(order, null)!);
        var rules = SymbolOk(order.Symbol) ? await _instruments.GetAsync(order.Symbol, order.Category, ct).ConfigureAwait(false) : null;
        var reference = order.Type == OrderType.Market && order.Trigger is null ? _prices.GetFresh(order.Symbol, order.Category, _options.TickerMaxAge)?.LastPrice : null;
        if (BybitOrderBuilder.Validate(order, rules, reference) is { } reason) return Refused(order, reason);

        if (order.Leverage is { } leverage && order.Category == OrderCategory.Linear)
        {
            var lr = await _rest.PostAsync("/v5/position/set-leverage", BybitOrderBuilder.BuildSetLeverageBody(order.Symbol, leverage), ct).ConfigureAwait(false);
            if (!lr.Ok && lr.RetCode != BybitErrors.LeverageNotModified)
                return Refused(order, $"Bybit refused leverage {leverage}x on {order.Symbol}: {lr.RetMsg} ({lr.RetCode}); the order was not sent.");
        }

        var body = BybitOrderBuilder.BuildCreateBody(order);
        BybitResponse r;
        try
        {
            r = await _rest.PostAsync("/v5/order/create", body, ct).ConfigureAwait(false);
        }
        catch (BybitTransportException e)
        {
            _log.LogWarning("Order {ClientOrderId} on {Symbol}: {Reason}; looking it up by orderLinkId instead of sending it again",
                order.ClientOrderId, order.Symbol, e.Message);
            var found = await FindOrderAsync(order, alreadyExisted: false, ct).ConfigureAwait(false);
            if (found is not null) return found;
            // Sending it again could place it twice if the first request is still in flight: fail closed instead.
            throw new ExchangeException(
                $"Bybit did not confirm order {order.ClientOrderId} ({e.Message}) and it is not on the book or in the order history, so it was most likely not placed. It was not sent again; check the open orders before placing it anew.",
                "unknown_outcome", e);
        }

        if (r.Ok)
        {
            var orderId = r.Result.Str("orderId");
            _log.LogInformation("Bybit accepted order {ClientOrderId} as {OrderId}", order.ClientOrderId, orderId);
            return new OrderResult(true, orderId, order.ClientOrderId, OrderStatus.New, 0m, null);
        }
        if (r.RetCode == BybitErrors.DuplicateOrderLinkId)
        {
            _log.LogInformation("Order {ClientOrderId} already exists on Bybit; returning it", order.ClientOrderId);
            return await FindOrderAsync(order, alreadyExisted: true, ct).ConfigureAwait(false)
                ?? throw new ExchangeException($"Bybit says order {order.ClientOrderId} already exists but does not return it; check the open orders.", Code(r));
        }
        _log.LogInformation("Bybit rejected order {ClientOrderId}: {Code} {Message}", order.ClientOrderId, r.RetCode, r.RetMsg);
        return new OrderResult(false, null, order.ClientOrderId, OrderStatus.Rejected, 0m, null, $"{r.RetMsg} ({r.RetCode})");
    }

    /// <summary>An order by its orderLinkId: open orders first, then the history; null when Bybit knows none.</summary>
    private async Task<OrderResult?> FindOrderAsync(OrderRequest order, bool alreadyExisted, CancellationToken ct)
    {
        var category = BybitOrderBuilder.Category(order.Category);
        var query = BybitRestClient.Query(("category", category), ("symbol", order.Symbol), ("orderLinkId", order.ClientOrderId));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                foreach (var path in new[] { "/v5/order/realtime", "/v5/order/history" })
                {
                    var r = await _rest.GetAsync(path, query, ct).ConfigureAwait(false);
                    Ensure(r, $"order {order.ClientOrderId}");
                    var match = r.Result.Items("list").FirstOrDefault(o => o.Str("orderLinkId") == order.ClientOrderId);
                    if (match.ValueKind == JsonValueKind.Object) return BybitMapping.ToOrderResult(match, order.ClientOrderId, alreadyExisted);
                }
                return null;
            }
            catch (BybitTransportException) when (attempt < 3)
            {
                // Reads are safe to repeat.
                await Task.Delay(LookupRetryDelay, _time, ct).ConfigureAwait(false);
            }
        }
    }

    public async Task<CancelResult> CancelOrdersAsync(string? symbol, string? orderId, CancellationToken ct)
    {
        if (orderId is not null)
        {
            var open = await GetOpenOrdersAsync(symbol, ct).ConfigureAwait(false);
            var target = open.FirstOrDefault(o => o.OrderId == orderId || o.ClientOrderId == orderId)
                ?? throw new ExchangeException($"There is no open order {orderId}{(symbol is null ? "" : " on " + symbol)}.", "not_found");
            var body = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["category"] = BybitOrderBuilder.Category(target.Category), ["symbol"] = target.Symbol, ["orderId"] = target.OrderId,
            });
            var r = await _rest.PostAsync("/v5/order/cancel", body, ct).ConfigureAwait(false);
            Ensure(r, $"cancelling order {orderId}");
            return new CancelResult([r.Result.Str("orderId") ?? target.OrderId]);
        }

        if (symbol is null)
        {
            var groups = await CancelAllKindsAsync(ct).ConfigureAwait(false);
            if (groups.FirstOrDefault(g => g.Error is not null) is { } failed) throw new ExchangeException($"Cancelling {failed.Group} orders failed: {failed.Error}");
            return new CancelResult(groups.SelectMany(g => g.CancelledOrderIds).ToList());
        }
        var cancelled = new List<string>();
        foreach (var category in await CategoriesOfAsync(symbol, ct).ConfigureAwait(false))
            foreach (var filter in category == OrderCategory.Spot ? SpotOrderFilters : [null])
            {
                var fields = new Dictionary<string, string> { ["category"] = BybitOrderBuilder.Category(category), ["symbol"] = symbol };
                if (filter is not null) fields["orderFilter"] = filter;
                var r = await _rest.PostAsync("/v5/order/cancel-all", JsonSerializer.Serialize(fields), ct).ConfigureAwait(false);
                Ensure(r, $"cancelling {BybitOrderBuilder.Category(category)} {filter} orders on {symbol}");
                cancelled.AddRange(r.Result.Items("list").Select(o => o.Str("orderId")).OfType<string>());
            }
        return new CancelResult(cancelled);
    }

    /// <summary>
    /// Spot cancel-all takes one order filter per request (without one, only normal orders go): normal, conditional and
    /// TP/SL orders each need their own call.
    /// </summary>
    private static readonly string?[] SpotOrderFilters = ["Order", "StopOrder", "tpslOrder"];

    public async Task<IReadOnlyList<CancelGroupResult>> CancelAllKindsAsync(CancellationToken ct)
    {
        var requests = _options.SettleCoinList.Select(coin => ($"linear {coin}", new Dictionary<string, string> { ["category"] = "linear", ["settleCoin"] = coin }))
            .Concat(SpotOrderFilters.Select(f => ($"spot {f}", new Dictionary<string, string> { ["category"] = "spot", ["orderFilter"] = f! })))
            .ToList();
        var groups = new List<CancelGroupResult>(requests.Count);
        // One failing group must not keep the others from cancelling: each is tried and reported on its own.
        foreach (var (group, fields) in requests)
        {
            try
            {
                var r = await _rest.PostAsync("/v5/order/cancel-all", JsonSerializer.Serialize(fields), ct).ConfigureAwait(false);
                groups.Add(r.Ok
                    ? new CancelGroupResult(group, r.Result.Items("list").Select(o => o.Str("orderId")).OfType<string>().ToList())
                    : new CancelGroupResult(group, [], $"Bybit refused: {r.RetMsg} ({r.RetCode})"));
            }
            catch (Exception e) when (e is BybitTransportException or ExchangeException)
            {
                groups.Add(new CancelGroupResult(group, [], e.Message));
            }
        }
        return groups;
    }

    public async Task<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken ct)
    {
        var orders = new List<OpenOrder>();
        foreach (var category in await CategoriesOfAsync(symbol, ct).ConfigureAwait(false))
        foreach (var settleCoin in symbol is null && category == OrderCategory.Linear ? _options.SettleCoinList.Cast<string?>() : [null])
        {
            string? cursor = null;
            do
            {
                var r = await _rest.GetAsync("/v5/order/realtime", BybitRestClient.Query(
                    ("category", BybitOrderBuilder.Category(category)),
                    ("symbol", symbol),
                    ("settleCoin", settleCoin),
                    ("openOnly", "0"), ("limit", "50"), ("cursor", cursor)), ct).ConfigureAwait(false);
                Ensure(r, "open orders");
                orders.AddRange(r.Result.Items("list").Select(o => BybitMapping.ToOpenOrder(o, category))
                    .Where(o => o.Status is OrderStatus.New or OrderStatus.PartiallyFilled or OrderStatus.Untriggered or OrderStatus.Triggered));
                cursor = r.Result.Str("nextPageCursor");
            } while (cursor is not null);
        }
        return orders;
    }

    public async Task<IReadOnlyList<Position>> GetPositionsAsync(string? symbol, CancellationToken ct)
    {
        if (symbol is not null && !SymbolOk(symbol)) return [];
        var positions = new List<Position>();
        foreach (var settleCoin in symbol is null ? _options.SettleCoinList.Cast<string?>() : [null])
        {
            string? cursor = null;
            do
            {
                var r = await _rest.GetAsync("/v5/position/list", BybitRestClient.Query(
                    ("category", "linear"), ("symbol", symbol), ("settleCoin", settleCoin), ("limit", "200"), ("cursor", cursor)), ct).ConfigureAwait(false);
                Ensure(r, "positions");
                positions.AddRange(r.Result.Items("list").Select(BybitMapping.ToPosition).Where(p => p.Qty != 0));
                cursor = r.Result.Str("nextPageCursor");
            } while (cursor is not null);
        }
        return positions;
    }

    public async Task<WalletSnapshot> GetWalletAsync(CancellationToken ct)
    {
        var r = await _rest.GetAsync("/v5/account/wallet-balance", BybitRestClient.Query(("accountType", "UNIFIED")), ct).ConfigureAwait(false);
        Ensure(r, "the wallet balance");
        var account = r.Result.Items("list").FirstOrDefault();
        return account.ValueKind == JsonValueKind.Object ? BybitMapping.ToWallet(account) : new WalletSnapshot(0m, 0m, 0m, []);
    }

    /// <summary>Categories to query: both for all symbols, else those where Bybit lists the symbol.</summary>
    private async Task<IReadOnlyList<OrderCategory>> CategoriesOfAsync(string? symbol, CancellationToken ct)
    {
        if (symbol is null) return [OrderCategory.Linear, OrderCategory.Spot];
        if (!SymbolOk(symbol)) return [];
        var result = new List<OrderCategory>(2);
        foreach (var c in new[] { OrderCategory.Linear, OrderCategory.Spot })
            if (await _instruments.GetAsync(symbol, c, ct).ConfigureAwait(false) is not null) result.Add(c);
        return result;
    }

    private static bool SymbolOk(string symbol) => Core.Market.SymbolResolver.IsWellFormed(symbol);

    private OrderResult Refused(OrderRequest order, string reason)
    {
        _log.LogWarning("Order {ClientOrderId} refused before sending: {Reason}", order.ClientOrderId, reason);
        return new OrderResult(false, null, order.ClientOrderId, OrderStatus.Rejected, 0m, null, reason);
    }

    private static void Ensure(BybitResponse r, string what)
    {
        if (!r.Ok) throw new ExchangeException($"Bybit refused {what}: {r.RetMsg} ({r.RetCode}).", Code(r));
    }

    private static string Code(BybitResponse r) => r.RetCode.ToString(CultureInfo.InvariantCulture);
}
