using System.Text.Json;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.InProcess;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Paper;

/// <summary>
/// Paper trading as a peer of the live exchange: market, limit, trigger, TP/SL and reduce-only orders; positions
/// with average price, realized and unrealized PnL and fees; fills delivered through the same
/// <see cref="IExecutionSink"/> live fills take. Resting orders and TP/SL are evaluated on every call and by
/// <see cref="TickAsync"/>.
/// </summary>
public sealed class PaperExchange : IExchange
{
    private static readonly JsonSerializerOptions StateJson = new(PlanJson.Options) { WriteIndented = false };
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly SemaphoreSlim _delivery = new(1, 1);
    private readonly IPaperPriceSource _prices;
    private readonly IExecutionSink _sink;
    private readonly TimeProvider _time;
    private readonly PaperExchangeOptions _options;
    private readonly IPaperAccountStore _store;
    private readonly ILogger<PaperExchange> _logger;

    // The account as read at the start of the current operation (held under _lock; the store serializes processes).
    private PaperAccountState _state = new();

    /// <summary>
    /// Creates the paper exchange over <paramref name="store"/> (the embedded database when registered; otherwise an
    /// in-process store, saved to <c>Paper:StateFile</c> when set).
    /// </summary>
    public PaperExchange(IPaperPriceSource prices, IExecutionSink sink, TimeProvider time, IOptions<PaperExchangeOptions> options,
        IPaperAccountStore? store = null, ILogger<PaperExchange>? logger = null)
    {
        _prices = prices;
        _sink = sink;
        _time = time;
        _options = options.Value;
        _store = store ?? new InMemoryPaperAccountStore(_options.StateFile);
        _logger = logger ?? NullLogger<PaperExchange>.Instance;
    }

    /// <inheritdoc />
    public ExchangeMode Mode { get; } = new(false, "paper", "simulated");

    /// <summary>Where the account is saved, or null.</summary>
    public string? StateFile => string.IsNullOrWhiteSpace(_options.StateFile) ? null : _options.StateFile;

    /// <summary>
    /// Runs a change on the latest saved account inside the store's exclusive transaction; the fills it makes are
    /// saved with it (outbox) and then delivered to the fills path.
    /// </summary>
    private async Task<T> ChangeAsync<T>(Func<List<ExecutionReport>, (T Result, bool Changed)> change, CancellationToken ct)
    {
        T result;
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            result = await _store.UpdateAsync(saved =>
            {
                _state = Parse(saved);
                var fills = new List<ExecutionReport>();
                var (r, changed) = change(fills);
                // Serialization is deterministic: an unchanged account is not rewritten (a tick that fired nothing).
                var next = changed || fills.Count > 0 ? JsonSerializer.Serialize(_state, StateJson) : null;
                return new PaperAccountUpdate<T>(r, next == saved ? null : next, fills);
            }, ct).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
        await DeliverPendingAsync(ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>Reads the latest saved account.</summary>
    private async Task<T> ReadAsync<T>(Func<T> read, CancellationToken ct)
    {
        await _lock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _state = Parse(await _store.ReadAsync(ct).ConfigureAwait(false));
            return read();
        }
        finally
        {
            _lock.Release();
        }
    }

    private PaperAccountState Parse(string? saved) =>
        saved is null ? new PaperAccountState { Cash = _options.StartingBalance } : JsonSerializer.Deserialize<PaperAccountState>(saved, StateJson)!;

    /// <summary>
    /// Hands outbox fills to the fills path, then marks them delivered. The fill store is idempotent on the execution
    /// id, so a fill delivered twice (a crash before marking, two processes at once) is stored once. A failure leaves
    /// the fills in the outbox for the next operation; the order itself stands.
    /// </summary>
    public async Task DeliverPendingAsync(CancellationToken ct)
    {
        await _delivery.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var pending = await _store.PendingFillsAsync(ct).ConfigureAwait(false);
            if (pending.Count == 0) return;
            await _sink.OnExecutionsAsync(pending.Select(p => p.Fill).ToList(), ct).ConfigureAwait(false);
            await _store.MarkDeliveredAsync(pending.Select(p => p.Id).ToList(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Paper fills stay in the outbox until the fills path takes them");
        }
        finally
        {
            _delivery.Release();
        }
    }

    /// <inheritdoc />
    public Task<Ticker> GetTickerAsync(string symbol, OrderCategory category, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var last = Price(symbol, now);
        // 24h open, high and low from a few samples of the feed: enough for a simulated market, cheap on the hot path.
        decimal open = last, high = last, low = last;
        for (var h = 4; h <= 24; h += 4)
        {
            var p = _prices.PriceAt(symbol, now.AddHours(-h)) ?? last;
            if (p > high) high = p;
            if (p < low) low = p;
            if (h == 24) open = p;
        }
        return Task.FromResult(new Ticker(symbol, last, open == 0 ? null : Math.Round((last - open) / open * 100, 2), high, low, now));
    }

    /// <inheritdoc />
    public Task<InstrumentRules?> GetInstrumentAsync(string symbol, OrderCategory category, CancellationToken ct) =>
        Task.FromResult(Rules(symbol, category));

    /// <inheritdoc />
    public Task<OrderResult> PlaceOrderAsync(OrderRequest order, CancellationToken ct) =>
        ChangeAsync(fills =>
        {
            if (_state.Placed.TryGetValue(order.ClientOrderId, out var existing))
                return (existing with { AlreadyExisted = true }, false);
            EvaluateLocked(fills);
            var result = PlaceLocked(order, fills);
            _state.Placed[order.ClientOrderId] = result;
            return (result, true);
        }, ct);

    /// <inheritdoc />
    public Task<CancelResult> CancelOrdersAsync(string? symbol, string? orderId, CancellationToken ct) =>
        ChangeAsync(_ =>
        {
            var cancelled = _state.Orders.Where(o => (symbol is null || o.Request.Symbol == symbol) && (orderId is null || o.Id == orderId)).ToList();
            if (orderId is not null && cancelled.Count == 0) throw new ExchangeException($"No open paper order {orderId}.");
            foreach (var o in cancelled)
            {
                _state.Orders.Remove(o);
                _state.Placed[o.Request.ClientOrderId] = _state.Placed[o.Request.ClientOrderId] with { Status = OrderStatus.Cancelled };
            }
            return (new CancelResult(cancelled.Select(o => o.Id).ToList()), cancelled.Count > 0);
        }, ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<CancelGroupResult>> CancelAllKindsAsync(CancellationToken ct) =>
        ChangeAsync<IReadOnlyList<CancelGroupResult>>(_ =>
        {
            var groups = new List<CancelGroupResult>();
            foreach (var category in new[] { OrderCategory.Linear, OrderCategory.Spot })
                foreach (var conditional in new[] { false, true })
                {
                    var cancelled = _state.Orders.Where(o => o.Request.Category == category && (o.Request.Trigger is not null) == conditional).ToList();
                    foreach (var o in cancelled)
                    {
                        _state.Orders.Remove(o);
                        _state.Placed[o.Request.ClientOrderId] = _state.Placed[o.Request.ClientOrderId] with { Status = OrderStatus.Cancelled };
                    }
                    groups.Add(new CancelGroupResult($"paper {category.ToString().ToLowerInvariant()} {(conditional ? "conditional" : "normal")} orders", cancelled.Select(o => o.Id).ToList()));
                }
            return (groups, groups.Any(g => g.CancelledOrderIds.Count > 0));
        }, ct);

    /// <inheritdoc />
    public async Task<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(string? symbol, CancellationToken ct)
    {
        await TickAsync(ct).ConfigureAwait(false);
        return await ReadAsync<IReadOnlyList<OpenOrder>>(() =>
        {
            return _state.Orders.Where(o => symbol is null || o.Request.Symbol == symbol)
                .Select(o => new OpenOrder(o.Id, o.Request.ClientOrderId, o.Request.Symbol, o.Request.Category, o.Request.Side, o.Request.Type, o.Request.Qty, 0m,
                    o.Request.Price, o.Request.Trigger, o.Request.ReduceOnly, o.Status, o.CreatedAt))
                .ToList();
        }, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Position>> GetPositionsAsync(string? symbol, CancellationToken ct)
    {
        await TickAsync(ct).ConfigureAwait(false);
        return await ReadAsync<IReadOnlyList<Position>>(() =>
        {
            var now = _time.GetUtcNow();
            return _state.Positions.Where(p => p.Value.Qty != 0 && (symbol is null || p.Key == symbol))
                .Select(p =>
                {
                    var mark = Price(p.Key, now);
                    return new Position(p.Key, OrderCategory.Linear, p.Value.Qty, p.Value.AveragePrice, mark,
                        Math.Round(PositionAccounting.Unrealized(p.Value.Qty, p.Value.AveragePrice, mark), 8), p.Value.Leverage);
                })
                .OrderBy(p => p.Symbol, StringComparer.Ordinal).ToList();
        }, ct).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<WalletSnapshot> GetWalletAsync(CancellationToken ct)
    {
        await TickAsync(ct).ConfigureAwait(false);
        return await ReadAsync(() =>
        {
            var now = _time.GetUtcNow();
            decimal unrealized = 0, margin = 0;
            foreach (var (symbol, p) in _state.Positions.Where(p => p.Value.Qty != 0))
            {
                var mark = Price(symbol, now);
                unrealized += PositionAccounting.Unrealized(p.Qty, p.AveragePrice, mark);
                margin += Math.Abs(p.Qty) * p.AveragePrice / Math.Max(1, p.Leverage);
            }
            var coins = new List<CoinBalance> { new("USDT", Math.Round(_state.Cash, 8), Math.Round(_state.Cash - margin, 8), Math.Round(_state.Cash, 8)) };
            decimal holdingsValue = 0;
            foreach (var (coin, qty) in _state.Holdings.Where(h => h.Value != 0))
            {
                var value = qty * (_prices.PriceAt(coin + "USDT", now) ?? 0);
                holdingsValue += value;
                coins.Add(new CoinBalance(coin, qty, qty, Math.Round(value, 8)));
            }
            return new WalletSnapshot(Math.Round(_state.Cash + unrealized + holdingsValue, 8), Math.Round(_state.Cash - margin, 8), Math.Round(unrealized, 8), coins);
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Fills resting orders whose price was reached and fires triggers and TP/SL at the current price.</summary>
    public Task TickAsync(CancellationToken ct) =>
        ChangeAsync(fills =>
        {
            EvaluateLocked(fills);
            return (0, _state.Orders.Count > 0 || fills.Count > 0);
        }, ct);

    private decimal Price(string symbol, DateTimeOffset at) =>
        _prices.PriceAt(symbol, at) ?? throw new ExchangeException($"{symbol} is not a paper market. Known: {string.Join(", ", _prices.Symbols.Take(12))}, …");

    /// <summary>Trading rules derived from the price level, like a venue's instrument info.</summary>
    internal InstrumentRules? Rules(string symbol, OrderCategory category)
    {
        if (_prices.PriceAt(symbol, _time.GetUtcNow()) is not { } p) return null;
        var step = p switch { >= 10_000 => 0.001m, >= 1_000 => 0.01m, >= 10 => 0.1m, >= 0.1m => 1m, >= 0.001m => 100m, _ => 100_000m };
        var tick = p switch { >= 10_000 => 0.1m, >= 1_000 => 0.01m, >= 10 => 0.01m, >= 1 => 0.0001m, >= 0.01m => 0.00001m, _ => 0.0000000001m };
        if (category == OrderCategory.Spot) step /= 10;
        return new InstrumentRules(symbol, category, step, step, 5m, tick, p >= 1000 ? 100 : 50);
    }

    private OrderResult PlaceLocked(OrderRequest o, List<ExecutionReport> fills)
    {
        var now = _time.GetUtcNow();
        OrderResult Reject(string reason) => new(false, null, o.ClientOrderId, OrderStatus.Rejected, 0m, null, reason);
        if (Rules(o.Symbol, o.Category) is not { } rules) return Reject($"{o.Symbol} is not a paper market.");
        if (o.Qty <= 0 || o.Qty % rules.QtyStep != 0) return Reject($"Quantity {o.Qty} is not a multiple of the step {rules.QtyStep}.");
        var last = Price(o.Symbol, now);
        var id = $"P{++_state.Sequence:D8}";

        if (o.Trigger is not null || (o.Type == OrderType.Limit && !Marketable(o.Side, o.Price!.Value, last)))
        {
            if (CheckLocked(o, o.Price ?? o.Trigger?.Price ?? last) is { } why) return Reject(why);
            var status = o.Trigger is null ? OrderStatus.New : OrderStatus.Untriggered;
            _state.Orders.Add(new PaperOrder { Id = id, Request = o, Status = status, CreatedAt = now });
            return new OrderResult(true, id, o.ClientOrderId, status, 0m, null);
        }
        if (CheckLocked(o, last) is { } reason) return Reject(reason);
        fills.Add(FillLocked(id, o, last, taker: true, null));
        return new OrderResult(true, id, o.ClientOrderId, OrderStatus.Filled, o.Qty, last);
    }

    private static bool Marketable(OrderSide side, decimal price, decimal last) => side == OrderSide.Buy ? price >= last : price <= last;

    /// <summary>Why an order cannot be accepted now (reduce-only, holdings, margin), or null.</summary>
    private string? CheckLocked(OrderRequest o, decimal price)
    {
        if (o.Category == OrderCategory.Spot)
        {
            var coin = SymbolResolver.BaseOf(o.Symbol);
            if (o.Side == OrderSide.Sell && _state.Holdings.GetValueOrDefault(coin) < o.Qty)
                return $"Not enough {coin}: {_state.Holdings.GetValueOrDefault(coin)} held, {o.Qty} to sell.";
            if (o.Side == OrderSide.Buy && _state.Cash < o.Qty * price * (1 + _options.TakerFeeRate))
                return $"Not enough USDT: {Math.Round(_state.Cash, 2)} available, about {Math.Round(o.Qty * price, 2)} needed.";
            return null;
        }
        var current = _state.Positions.TryGetValue(o.Symbol, out var p) ? p.Qty : 0m;
        var signed = PaperAccountState.Signed(o.Side, o.Qty);
        var reduces = current != 0 && Math.Sign(current) != Math.Sign(signed) && o.Qty <= Math.Abs(current);
        if (o.ReduceOnly && !reduces) return current == 0 ? $"Reduce-only, but there is no {o.Symbol} position." : "Reduce-only order would increase or flip the position.";
        // Resting reduce-only orders on the same side count: together they may not exceed the position. A market
        // reduce-only order (a close) executes at once against the position and is not held to this.
        var restingReduce = _state.Orders.Where(r => r.Request.ReduceOnly && r.Request.Symbol == o.Symbol && r.Request.Category == o.Category
                                                     && r.Request.Side == o.Side && r.Request.ClientOrderId != o.ClientOrderId).Sum(r => r.Request.Qty);
        if (o.ReduceOnly && (o.Type == OrderType.Limit || o.Trigger is not null) && restingReduce + o.Qty > Math.Abs(current))
            return $"Reduce-only orders on {o.Symbol} would exceed the position: {PlanJson.Normalize(restingReduce)} already resting + {PlanJson.Normalize(o.Qty)} > {PlanJson.Normalize(Math.Abs(current))}.";
        if (reduces) return null;
        var leverage = o.Leverage ?? p?.Leverage ?? 1;
        var usedMargin = _state.Positions.Where(kv => kv.Key != o.Symbol).Sum(kv => Math.Abs(kv.Value.Qty) * kv.Value.AveragePrice / Math.Max(1, kv.Value.Leverage));
        var needed = Math.Abs(current + signed) * price / leverage;
        var available = _state.Cash - usedMargin;
        return needed > available ? $"Insufficient margin: about {Math.Round(needed, 2)} USDT needed at {leverage}x, {Math.Round(available, 2)} available." : null;
    }

    private ExecutionReport FillLocked(string orderId, OrderRequest o, decimal price, bool taker, string? closeReason)
    {
        var fee = Math.Round(o.Qty * price * (taker ? _options.TakerFeeRate : _options.MakerFeeRate), 8);
        if (o.Category == OrderCategory.Spot)
        {
            var coin = SymbolResolver.BaseOf(o.Symbol);
            _state.Holdings[coin] = _state.Holdings.GetValueOrDefault(coin) + PaperAccountState.Signed(o.Side, o.Qty);
            _state.Cash += -PaperAccountState.Signed(o.Side, o.Qty) * price - fee;
        }
        else
        {
            if (!_state.Positions.TryGetValue(o.Symbol, out var p)) _state.Positions[o.Symbol] = p = new PaperPosition { BotId = o.BotId };
            var (qty, avg, realized, _) = PositionAccounting.Apply(p.Qty, p.AveragePrice, o.Side, o.Qty, price);
            if (Math.Sign(qty) != Math.Sign(p.Qty)) { p.TakeProfit = null; p.StopLoss = null; }
            p.Qty = qty;
            p.AveragePrice = avg;
            if (o.Leverage is { } lev) p.Leverage = lev;
            if (!o.ReduceOnly && o.TakeProfit is not null) p.TakeProfit = o.TakeProfit;
            if (!o.ReduceOnly && o.StopLoss is not null) p.StopLoss = o.StopLoss;
            _state.Cash += realized - fee;
            if (qty == 0) _state.Positions.Remove(o.Symbol);
        }
        // The account's sequence orders fills; the random part keeps ids unique after a reset (the sequence restarts),
        // else the idempotent fill store would drop a real fill as a duplicate.
        return new ExecutionReport($"paper-{++_state.Sequence:D10}-{Guid.NewGuid().ToString("N")[..12]}", orderId, o.ClientOrderId, o.BotId, o.Symbol, o.Category, o.Side, price, o.Qty, fee, "USDT",
            _time.GetUtcNow(), closeReason);
    }

    private void EvaluateLocked(List<ExecutionReport> fills)
    {
        var now = _time.GetUtcNow();
        foreach (var order in _state.Orders.ToList())
        {
            var last = Price(order.Request.Symbol, now);
            var r = order.Request;
            if (order.Status == OrderStatus.Untriggered)
            {
                var fired = r.Trigger!.Direction == TriggerDirection.Below ? last <= r.Trigger.Price : last >= r.Trigger.Price;
                if (!fired) continue;
                order.Status = OrderStatus.New;
                if (r.Type == OrderType.Market || Marketable(r.Side, r.Price!.Value, last))
                {
                    Complete(order, last, taker: true);
                    continue;
                }
            }
            if (r.Type == OrderType.Limit && Marketable(r.Side, r.Price!.Value, last)) Complete(order, r.Price.Value, taker: false);
        }
        foreach (var (symbol, p) in _state.Positions.ToList())
        {
            var last = Price(symbol, now);
            var hitTp = p.TakeProfit is { } tp && (p.Qty > 0 ? last >= tp : last <= tp);
            var hitSl = p.StopLoss is { } sl && (p.Qty > 0 ? last <= sl : last >= sl);
            if (!hitTp && !hitSl) continue;
            var close = new OrderRequest($"{p.BotId}-{(hitSl ? "sl" : "tp")}-{++_state.Sequence}", p.BotId, symbol, OrderCategory.Linear,
                p.Qty > 0 ? OrderSide.Sell : OrderSide.Buy, OrderType.Market, Math.Abs(p.Qty), ReduceOnly: true);
            fills.Add(FillLocked($"P{_state.Sequence:D8}", close, last, taker: true, hitSl ? "stopLoss" : "takeProfit"));
        }

        void Complete(PaperOrder order, decimal price, bool taker)
        {
            if (CheckLocked(order.Request, price) is { } why)
            {
                _state.Orders.Remove(order);
                _state.Placed[order.Request.ClientOrderId] = _state.Placed.GetValueOrDefault(order.Request.ClientOrderId, new OrderResult(true, order.Id, order.Request.ClientOrderId, OrderStatus.New, 0, null))
                    with { Status = OrderStatus.Deactivated, RejectReason = why };
                return;
            }
            _state.Orders.Remove(order);
            fills.Add(FillLocked(order.Id, order.Request, price, taker, null));
            _state.Placed[order.Request.ClientOrderId] = new OrderResult(true, order.Id, order.Request.ClientOrderId, OrderStatus.Filled, order.Request.Qty, price);
        }
    }

}
