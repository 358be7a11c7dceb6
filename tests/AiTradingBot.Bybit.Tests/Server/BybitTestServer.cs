using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Bybit.Tests.Server;

/// <summary>
/// A Bybit V5-compatible server on 127.0.0.1 (real HTTP and WebSocket through Kestrel) for tests: checks every
/// signature with its own HMAC code over the bytes it received, serves market data, wallet and positions, keeps
/// orders (duplicate orderLinkId → 110072), fills market orders and pushes executions on the private stream, and
/// injects faults: clock skew (10002), rate limits (10006 / HTTP 429 with reset header), hanging after accepting
/// an order, dropped WebSockets and duplicate pushes.
/// </summary>
public sealed class BybitTestServer : IAsyncDisposable
{
    public const string ApiKey = "test-api-key-0001";
    public const string ApiSecret = "test-api-secret-do-not-log-0001";
    private const int MaxWindowMs = 7 * 24 * 3600 * 1000;

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ServerOrder> _orders = new();
    private readonly List<JsonObject> _executions = [];
    private readonly Lock _execLock = new();
    private readonly ConcurrentDictionary<string, decimal> _leverage = new();
    private readonly ConcurrentDictionary<Guid, PrivateSession> _sessions = new();
    private readonly ConcurrentDictionary<Guid, PublicSession> _publicSessions = new();
    private long _execSeq;
    private int _hangOrderCreates;
    private int _rateLimitNext;
    private int _authenticatedSessions;
    private int _pings;

    private BybitTestServer(WebApplication app) => _app = app;

    /// <summary>Every REST request received, in order.</summary>
    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Server clock minus real clock; change it after the client synced to provoke 10002.</summary>
    public long ClockSkewMs { get; set; }

    /// <summary>The key and secret the server accepts.</summary>
    public string AcceptedKey { get; set; } = ApiKey;
    public string AcceptedSecret { get; set; } = ApiSecret;

    /// <summary>When false, private calls answer 10005 (permission denied).</summary>
    public bool KeyCanTrade { get; set; } = true;

    /// <summary>Push every execution twice on the private stream.</summary>
    public bool DuplicatePushes { get; set; }

    /// <summary>Fill market orders at the ticker price and push the execution.</summary>
    public bool FillMarketOrders { get; set; } = true;

    /// <summary>Orders whose quantity exceeds this are rejected with 110007 (insufficient balance).</summary>
    public decimal MaxAffordableQty { get; set; } = 1000m;

    /// <summary>Rate-limit responses are HTTP 429 rather than retCode 10006.</summary>
    public bool RateLimitAsHttp429 { get; set; }

    /// <summary>How far in the future the rate-limit reset header points.</summary>
    public int RateLimitResetMs { get; set; } = 300;

    public decimal WalletUsdt { get; set; } = 10_000m;

    /// <summary>Positions served by /v5/position/list.</summary>
    public List<(string Symbol, string Side, decimal Size, decimal AvgPrice, decimal MarkPrice, decimal Upnl, int Leverage)> Positions { get; } = [];

    /// <summary>Last prices (linear and spot share them).</summary>
    public ConcurrentDictionary<string, decimal> Prices { get; } = new() { ["BTCUSDT"] = 60_000m, ["ETHUSDT"] = 3_000m, ["SOLUSDT"] = 150m };

    public Uri BaseUrl { get; private set; } = null!;
    public Uri PrivateStreamUrl { get; private set; } = null!;
    public Uri PublicStreamBase { get; private set; } = null!;
    public long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + ClockSkewMs;
    public IReadOnlyCollection<ServerOrder> Orders => _orders.Values.ToList();
    public int AuthenticatedSessions => Volatile.Read(ref _authenticatedSessions);
    public int Pings => Volatile.Read(ref _pings);
    public int OpenPrivateSessions => _sessions.Values.Count(s => s.Subscribed.ContainsKey("execution"));

    /// <summary>Puts an open order on the book directly (e.g. a spot TP/SL order, which the adapter never creates).</summary>
    public ServerOrder SeedOrder(string category, string symbol, string side, decimal qty, decimal? price, decimal? trigger, string orderFilter)
    {
        var order = new ServerOrder
        {
            OrderId = Guid.NewGuid().ToString(), OrderLinkId = "seed-" + Guid.NewGuid().ToString("N")[..12], Category = category, Symbol = symbol, Side = side,
            OrderType = price is null ? "Market" : "Limit", Qty = qty, Price = price, TriggerPrice = trigger, OrderFilter = orderFilter,
            Body = "{}", CreatedTime = NowMs, Status = trigger is null ? "New" : "Untriggered",
        };
        _orders[order.OrderId] = order;
        return order;
    }

    /// <summary>Accept the next N order creates, then never answer them.</summary>
    public void HangNextOrderCreates(int n) => Interlocked.Exchange(ref _hangOrderCreates, n);

    /// <summary>Rate-limit the next N signed requests.</summary>
    public void RateLimitNext(int n) => Interlocked.Exchange(ref _rateLimitNext, n);

    public static async Task<BybitTestServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new BybitTestServer(app);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        server.BaseUrl = address;
        server.PrivateStreamUrl = new Uri($"ws://{address.Authority}/v5/private");
        server.PublicStreamBase = new Uri($"ws://{address.Authority}/v5/public");
        return server;
    }

    /// <summary>Configuration for the adapter pointing at this server.</summary>
    public Dictionary<string, string?> Configuration(string environment = "testnet") => new()
    {
        ["Exchange:Provider"] = "bybit",
        ["Bybit:Environment"] = environment,
        ["Bybit:BaseUrl"] = BaseUrl.ToString().TrimEnd('/'),
        ["Bybit:WebSocketUrl"] = PrivateStreamUrl.ToString(),
        ["Bybit:PublicWebSocketUrl"] = PublicStreamBase.ToString(),
        ["Bybit:ApiKey"] = ApiKey,
        ["Bybit:ApiSecret"] = ApiSecret,
        ["Bybit:RecvWindow"] = "5000",
    };

    // ---------------------------------------------------------------- executions

    /// <summary>Records an execution (visible in /v5/execution/list) and pushes it to subscribed sessions.</summary>
    public async Task<string> AddExecutionAsync(string symbol, string side, decimal qty, decimal price, string? orderLinkId = null, string? orderId = null, string category = "linear", bool push = true)
    {
        var seq = Interlocked.Increment(ref _execSeq);
        var exec = new JsonObject
        {
            ["category"] = category,
            ["symbol"] = symbol,
            ["execId"] = $"exec-{seq:D8}-{Guid.NewGuid():N}"[..36],
            ["execPrice"] = F(price),
            ["execQty"] = F(qty),
            ["execFee"] = F(Math.Round(qty * price * 0.00055m, 8)),
            ["execType"] = "Trade",
            ["execValue"] = F(qty * price),
            ["isMaker"] = false,
            ["feeRate"] = "0.00055",
            ["orderId"] = orderId ?? Guid.NewGuid().ToString(),
            ["orderLinkId"] = orderLinkId ?? "",
            ["orderType"] = "Market",
            ["stopOrderType"] = "UNKNOWN",
            ["side"] = side,
            ["execTime"] = NowMs.ToString(CultureInfo.InvariantCulture),
            ["closedSize"] = "",
            ["seq"] = seq,
        };
        lock (_execLock) _executions.Add(exec);
        if (push) await PushAsync(exec);
        return exec["execId"]!.GetValue<string>();
    }

    /// <summary>Executions recorded so far.</summary>
    public int ExecutionCount { get { lock (_execLock) return _executions.Count; } }

    private async Task PushAsync(JsonObject exec)
    {
        var message = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("N"),
            ["topic"] = "execution",
            ["creationTime"] = NowMs,
            ["data"] = new JsonArray(exec.DeepClone()),
        }.ToJsonString();
        foreach (var s in _sessions.Values.Where(s => s.Subscribed.ContainsKey("execution")))
        {
            await s.SendAsync(message);
            if (DuplicatePushes) await s.SendAsync(message);
        }
    }

    /// <summary>Aborts every private WebSocket (the client must reconnect, re-auth and reconcile).</summary>
    public void DropPrivateConnections()
    {
        foreach (var s in _sessions.Values) s.Socket.Abort();
    }

    /// <summary>Changes a price and pushes a ticker delta to public subscribers.</summary>
    public async Task SetPriceAsync(string symbol, decimal price)
    {
        Prices[symbol] = price;
        var message = JsonSerializer.Serialize(new
        {
            topic = "tickers." + symbol, type = "delta", ts = NowMs,
            data = new { symbol, lastPrice = F(price) },
        });
        foreach (var s in _publicSessions.Values.Where(s => s.Subscribed.ContainsKey("tickers." + symbol))) await s.SendAsync(message);
    }

    // ---------------------------------------------------------------- HTTP

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        if (ctx.WebSockets.IsWebSocketRequest)
        {
            if (path == "/v5/private") await RunPrivateAsync(ctx);
            else if (path is "/v5/public/linear" or "/v5/public/spot") await RunPublicAsync(ctx);
            else ctx.Response.StatusCode = 404;
            return;
        }

        using var ms = new MemoryStream();
        await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted);
        var body = Encoding.UTF8.GetString(ms.ToArray());
        var query = ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : "";
        var headers = ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var q = ctx.Request.Query.ToDictionary(k => k.Key, k => k.Value.ToString(), StringComparer.Ordinal);

        if (path.StartsWith("/v5/market/", StringComparison.Ordinal))
        {
            var (code, msg, result) = Market(path, q);
            Requests.Enqueue(new ReceivedRequest(ctx.Request.Method, path, query, body, false, false, headers, code));
            await WriteAsync(ctx, code, msg, result);
            return;
        }

        var (valid, authCode, authMsg) = CheckSignature(ctx.Request.Method, query, body, headers);
        if (authCode != 0)
        {
            Requests.Enqueue(new ReceivedRequest(ctx.Request.Method, path, query, body, true, valid, headers, authCode));
            await WriteAsync(ctx, authCode, authMsg, new JsonObject());
            return;
        }
        if (Interlocked.Decrement(ref _rateLimitNext) >= 0)
        {
            Requests.Enqueue(new ReceivedRequest(ctx.Request.Method, path, query, body, true, valid, headers, 10006));
            ctx.Response.Headers["X-Bapi-Limit-Reset-Timestamp"] = (NowMs + RateLimitResetMs).ToString(CultureInfo.InvariantCulture);
            if (RateLimitAsHttp429)
            {
                ctx.Response.StatusCode = 429;
                await ctx.Response.WriteAsync("Too Many Requests");
            }
            else await WriteAsync(ctx, 10006, "Too many visits!", new JsonObject());
            return;
        }
        Interlocked.Exchange(ref _rateLimitNext, Math.Max(Volatile.Read(ref _rateLimitNext), 0));
        if (!KeyCanTrade)
        {
            Requests.Enqueue(new ReceivedRequest(ctx.Request.Method, path, query, body, true, valid, headers, 10005));
            await WriteAsync(ctx, 10005, "Permission denied, please check your API key permissions.", new JsonObject());
            return;
        }

        JsonObject? json = null;
        if (ctx.Request.Method == "POST")
        {
            try { json = JsonNode.Parse(body) as JsonObject; } catch (JsonException) { }
            if (json is null)
            {
                await WriteAsync(ctx, 10001, "request body is not JSON", new JsonObject());
                return;
            }
        }

        var (rc, rm, res, hang) = (ctx.Request.Method, path) switch
        {
            ("POST", "/v5/order/create") => CreateOrder(json!),
            ("POST", "/v5/order/cancel") => Wrap(CancelOrder(json!)),
            ("POST", "/v5/order/cancel-all") => Wrap(CancelAll(json!)),
            ("GET", "/v5/order/realtime") => Wrap(ListOrders(q, open: true)),
            ("GET", "/v5/order/history") => Wrap(ListOrders(q, open: false)),
            ("GET", "/v5/position/list") => Wrap(PositionList(q)),
            ("POST", "/v5/position/set-leverage") => Wrap(SetLeverage(json!)),
            ("GET", "/v5/account/wallet-balance") => Wrap(Wallet(q)),
            ("GET", "/v5/execution/list") => Wrap(ExecutionList(q)),
            _ => (10001, $"unknown endpoint {path}", new JsonObject(), false),
        };
        Requests.Enqueue(new ReceivedRequest(ctx.Request.Method, path, query, body, true, valid, headers, rc));
        if (hang)
        {
            // Accepted and stored, but the answer never comes (the client must time out and look the order up).
            try { await Task.Delay(Timeout.Infinite, ctx.RequestAborted); } catch (OperationCanceledException) { }
            return;
        }
        await WriteAsync(ctx, rc, rm, res);
    }

    private static (int, string, JsonObject, bool) Wrap((int Code, string Msg, JsonObject Result) r) => (r.Code, r.Msg, r.Result, false);

    private (bool Valid, int Code, string Msg) CheckSignature(string method, string query, string body, Dictionary<string, string> h)
    {
        if (!h.TryGetValue("X-BAPI-API-KEY", out var key) || !h.TryGetValue("X-BAPI-TIMESTAMP", out var tsText)
            || !h.TryGetValue("X-BAPI-SIGN", out var sign) || !h.TryGetValue("X-BAPI-RECV-WINDOW", out var rwText))
            return (false, 10003, "API key is invalid.");
        if (key != AcceptedKey) return (false, 10003, "API key is invalid.");
        if (h.GetValueOrDefault("X-BAPI-SIGN-TYPE") != "2") return (false, 10004, "sign type must be 2");
        var payload = method == "GET" ? query : body;
        var expected = HexHmac(AcceptedSecret, tsText + key + rwText + payload);
        var valid = CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(sign));
        if (!valid) return (false, 10004, "error sign! origin_string[" + tsText + key + rwText + payload + "]");
        var ts = long.Parse(tsText, CultureInfo.InvariantCulture);
        var rw = long.Parse(rwText, CultureInfo.InvariantCulture);
        var now = NowMs;
        if (ts > now + 1000 || now - ts > rw)
            return (true, 10002, $"invalid request, please check your server timestamp or recv_window param. req_timestamp[{ts}],server_timestamp[{now}],recv_window[{rw}]");
        return (true, 0, "OK");
    }

    /// <summary>HMAC-SHA256 lowercase hex, written independently of the adapter's signer.</summary>
    public static string HexHmac(string secret, string text)
    {
        using var h = new HMACSHA256(Encoding.UTF8.GetBytes(secret));
        return string.Concat(h.ComputeHash(Encoding.UTF8.GetBytes(text)).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    private (int, string, JsonObject) Market(string path, Dictionary<string, string> q)
    {
        switch (path)
        {
            case "/v5/market/time":
                var now = NowMs;
                return (0, "OK", new JsonObject { ["timeSecond"] = (now / 1000).ToString(CultureInfo.InvariantCulture), ["timeNano"] = (now * 1_000_000).ToString(CultureInfo.InvariantCulture) });
            case "/v5/market/tickers":
            {
                var symbol = q.GetValueOrDefault("symbol");
                if (symbol is null || !Prices.TryGetValue(symbol, out var price)) return (10001, "params error: symbol invalid", new JsonObject());
                return (0, "OK", new JsonObject
                {
                    ["category"] = q.GetValueOrDefault("category"),
                    ["list"] = new JsonArray(new JsonObject
                    {
                        ["symbol"] = symbol, ["lastPrice"] = F(price), ["price24hPcnt"] = "0.0125",
                        ["highPrice24h"] = F(price * 1.02m), ["lowPrice24h"] = F(price * 0.97m),
                    }),
                });
            }
            case "/v5/market/instruments-info":
            {
                var symbol = q.GetValueOrDefault("symbol");
                var category = q.GetValueOrDefault("category");
                var list = new JsonArray();
                if (symbol is not null && Prices.ContainsKey(symbol))
                    list.Add(category == "spot" ? SpotInstrument(symbol) : LinearInstrument(symbol));
                return (0, "OK", new JsonObject { ["category"] = category, ["list"] = list, ["nextPageCursor"] = "" });
            }
            default:
                return (10001, "unknown market endpoint", new JsonObject());
        }
    }

    private static (string QtyStep, string MinQty, string MinNotional, string Tick, string MaxLev) Rules(string symbol) => symbol switch
    {
        "BTCUSDT" => ("0.001", "0.001", "5", "0.10", "100.00"),
        "ETHUSDT" => ("0.01", "0.01", "5", "0.01", "100.00"),
        _ => ("0.1", "0.1", "5", "0.001", "50.00"),
    };

    private static JsonObject LinearInstrument(string symbol)
    {
        var r = Rules(symbol);
        return new JsonObject
        {
            ["symbol"] = symbol, ["contractType"] = "LinearPerpetual", ["status"] = "Trading", ["baseCoin"] = symbol[..^4], ["quoteCoin"] = "USDT",
            ["leverageFilter"] = new JsonObject { ["minLeverage"] = "1", ["maxLeverage"] = r.MaxLev, ["leverageStep"] = "0.01" },
            ["priceFilter"] = new JsonObject { ["minPrice"] = "0.10", ["maxPrice"] = "1999999.80", ["tickSize"] = r.Tick },
            ["lotSizeFilter"] = new JsonObject { ["maxOrderQty"] = "1190.000", ["minOrderQty"] = r.MinQty, ["qtyStep"] = r.QtyStep, ["minNotionalValue"] = r.MinNotional },
        };
    }

    private static JsonObject SpotInstrument(string symbol)
    {
        var r = Rules(symbol);
        return new JsonObject
        {
            ["symbol"] = symbol, ["status"] = "Trading", ["baseCoin"] = symbol[..^4], ["quoteCoin"] = "USDT",
            ["lotSizeFilter"] = new JsonObject { ["basePrecision"] = "0.000001", ["quotePrecision"] = "0.00000001", ["minOrderQty"] = "0.000048", ["maxOrderQty"] = "71.73956243", ["minOrderAmt"] = "1", ["maxOrderAmt"] = "2000000" },
            ["priceFilter"] = new JsonObject { ["tickSize"] = "0.01" },
        };
    }

    private (int, string, JsonObject, bool) CreateOrder(JsonObject b)
    {
        string? S(string k) => b[k] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var category = S("category");
        var symbol = S("symbol");
        var side = S("side");
        var type = S("orderType");
        var qtyText = S("qty");
        var linkId = S("orderLinkId");
        if (category is not ("linear" or "spot") || symbol is null || side is not ("Buy" or "Sell") || type is not ("Market" or "Limit") || qtyText is null)
            return (10001, "params error: category, symbol, side, orderType and qty (string) are required", new JsonObject(), false);
        if (!decimal.TryParse(qtyText, NumberStyles.Number, CultureInfo.InvariantCulture, out var qty) || qty <= 0)
            return (10001, "params error: qty", new JsonObject(), false);
        if (linkId is null || linkId.Length > 36 || !linkId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            return (10001, "params error: orderLinkId", new JsonObject(), false);
        if (!Prices.TryGetValue(symbol, out var last)) return (10001, "params error: symbol invalid", new JsonObject(), false);
        var rules = Rules(symbol);
        var step = category == "spot" ? 0.000001m : decimal.Parse(rules.QtyStep, CultureInfo.InvariantCulture);
        if (qty % step != 0) return (10001, "Qty invalid", new JsonObject(), false);
        decimal? price = S("price") is { } p ? decimal.Parse(p, CultureInfo.InvariantCulture) : null;
        if (type == "Limit" && price is null) return (10001, "params error: price is required for limit orders", new JsonObject(), false);
        if (_orders.Values.Any(o => o.OrderLinkId == linkId)) return (110072, "OrderLinkedID is duplicate", new JsonObject(), false);
        if (qty > MaxAffordableQty) return (110007, "ab not enough for new order", new JsonObject(), false);

        decimal? trigger = S("triggerPrice") is { } t ? decimal.Parse(t, CultureInfo.InvariantCulture) : null;
        var order = new ServerOrder
        {
            OrderId = Guid.NewGuid().ToString(), OrderLinkId = linkId, Category = category, Symbol = symbol, Side = side, OrderType = type,
            Qty = qty, Price = price, TriggerPrice = trigger,
            TriggerDirection = b["triggerDirection"] is JsonValue d && d.TryGetValue<int>(out var dir) ? dir : null,
            ReduceOnly = b["reduceOnly"] is JsonValue r && r.TryGetValue<bool>(out var ro) && ro,
            OrderFilter = S("orderFilter") ?? (trigger is null ? "Order" : "StopOrder"),
            Body = b.ToJsonString(), CreatedTime = NowMs,
            Status = trigger is null ? "New" : "Untriggered",
        };
        if (!_orders.TryAdd(order.OrderId, order)) throw new InvalidOperationException("duplicate order id");
        if (FillMarketOrders && type == "Market" && trigger is null)
        {
            order.Status = "Filled";
            order.CumExecQty = qty;
            order.AvgPrice = last;
            _ = AddExecutionAsync(symbol, side, qty, last, linkId, order.OrderId, category);
        }
        var hang = Interlocked.Decrement(ref _hangOrderCreates) >= 0;
        if (!hang) Interlocked.Exchange(ref _hangOrderCreates, Math.Max(Volatile.Read(ref _hangOrderCreates), 0));
        return (0, "OK", new JsonObject { ["orderId"] = order.OrderId, ["orderLinkId"] = linkId }, hang);
    }

    private (int, string, JsonObject) CancelOrder(JsonObject b)
    {
        var id = b["orderId"]?.GetValue<string>();
        var link = b["orderLinkId"]?.GetValue<string>();
        if (b["symbol"] is null) return (10001, "params error: symbol", new JsonObject());
        var order = _orders.Values.FirstOrDefault(o => (o.OrderId == id || o.OrderLinkId == link) && o.Open);
        if (order is null) return (110001, "order not exists or too late to cancel", new JsonObject());
        order.Status = "Cancelled";
        return (0, "OK", new JsonObject { ["orderId"] = order.OrderId, ["orderLinkId"] = order.OrderLinkId });
    }

    private (int, string, JsonObject) CancelAll(JsonObject b)
    {
        var category = b["category"]?.GetValue<string>();
        var symbol = b["symbol"]?.GetValue<string>();
        if (category == "linear" && symbol is null && b["settleCoin"] is null && b["baseCoin"] is null)
            return (10001, "params error: symbol, baseCoin or settleCoin is required", new JsonObject());
        // Spot cancels one order filter per request, Order when none is given (as Bybit does); linear cancels every kind.
        var filter = b["orderFilter"]?.GetValue<string>() ?? "Order";
        var settleCoin = b["settleCoin"]?.GetValue<string>();
        var list = new JsonArray();
        foreach (var o in _orders.Values.Where(o => o.Open && o.Category == category && (symbol is null || o.Symbol == symbol)
                     && (category != "spot" || o.OrderFilter == filter) && (settleCoin is null || o.Symbol.EndsWith(settleCoin, StringComparison.Ordinal))))
        {
            o.Status = "Cancelled";
            list.Add(new JsonObject { ["orderId"] = o.OrderId, ["orderLinkId"] = o.OrderLinkId });
        }
        return (0, "OK", new JsonObject { ["list"] = list, ["success"] = "1" });
    }

    private (int, string, JsonObject) ListOrders(Dictionary<string, string> q, bool open)
    {
        var category = q.GetValueOrDefault("category");
        if (category is null) return (10001, "params error: category", new JsonObject());
        if (open && category == "linear" && !q.ContainsKey("symbol") && !q.ContainsKey("settleCoin") && !q.ContainsKey("baseCoin") && !q.ContainsKey("orderLinkId") && !q.ContainsKey("orderId"))
            return (10001, "params error: symbol, baseCoin or settleCoin is required", new JsonObject());
        var list = new JsonArray();
        foreach (var o in _orders.Values.Where(o => o.Category == category && o.Open == open
                     && (!q.TryGetValue("symbol", out var s) || o.Symbol == s)
                     && (!q.TryGetValue("orderLinkId", out var l) || o.OrderLinkId == l)
                     && (!q.TryGetValue("orderId", out var i) || o.OrderId == i)
                     && (!q.TryGetValue("settleCoin", out var sc) || o.Symbol.EndsWith(sc, StringComparison.Ordinal))
                     && (!q.TryGetValue("orderFilter", out var of) || o.OrderFilter == of)).OrderByDescending(o => o.CreatedTime))
            list.Add(new JsonObject
            {
                ["orderId"] = o.OrderId, ["orderLinkId"] = o.OrderLinkId, ["symbol"] = o.Symbol, ["side"] = o.Side, ["orderType"] = o.OrderType,
                ["price"] = o.Price is { } p ? F(p) : "0", ["qty"] = F(o.Qty), ["orderStatus"] = o.Status, ["cumExecQty"] = F(o.CumExecQty),
                ["avgPrice"] = o.AvgPrice is { } a ? F(a) : "", ["triggerPrice"] = o.TriggerPrice is { } t ? F(t) : "",
                ["triggerDirection"] = o.TriggerDirection ?? 0, ["reduceOnly"] = o.ReduceOnly, ["createdTime"] = o.CreatedTime.ToString(CultureInfo.InvariantCulture),
                ["rejectReason"] = "EC_NoError",
            });
        return (0, "OK", new JsonObject { ["category"] = category, ["list"] = list, ["nextPageCursor"] = "" });
    }

    private (int, string, JsonObject) PositionList(Dictionary<string, string> q)
    {
        if (!q.ContainsKey("symbol") && !q.ContainsKey("settleCoin")) return (10001, "params error: symbol or settleCoin is required", new JsonObject());
        var list = new JsonArray();
        foreach (var p in Positions.Where(p => (!q.TryGetValue("symbol", out var s) || p.Symbol == s) && (!q.TryGetValue("settleCoin", out var c) || p.Symbol.EndsWith(c, StringComparison.Ordinal))))
            list.Add(new JsonObject
            {
                ["symbol"] = p.Symbol, ["side"] = p.Side, ["size"] = F(p.Size), ["avgPrice"] = F(p.AvgPrice), ["markPrice"] = F(p.MarkPrice),
                ["unrealisedPnl"] = F(p.Upnl), ["leverage"] = p.Leverage.ToString(CultureInfo.InvariantCulture), ["positionIdx"] = 0,
            });
        return (0, "OK", new JsonObject { ["category"] = "linear", ["list"] = list, ["nextPageCursor"] = "" });
    }

    private (int, string, JsonObject) SetLeverage(JsonObject b)
    {
        var symbol = b["symbol"]?.GetValue<string>();
        var buy = b["buyLeverage"]?.GetValue<string>();
        if (symbol is null || buy is null || b["sellLeverage"]?.GetValue<string>() != buy) return (10001, "params error: leverage", new JsonObject());
        var lev = decimal.Parse(buy, CultureInfo.InvariantCulture);
        if (lev > decimal.Parse(Rules(symbol).MaxLev, CultureInfo.InvariantCulture)) return (110013, "cannot set leverage over the risk limit", new JsonObject());
        if (_leverage.TryGetValue(symbol, out var current) && current == lev) return (110043, "leverage not modified", new JsonObject());
        _leverage[symbol] = lev;
        return (0, "OK", new JsonObject());
    }

    /// <summary>Leverage last set per symbol.</summary>
    public decimal? LeverageOf(string symbol) => _leverage.TryGetValue(symbol, out var l) ? l : null;

    private (int, string, JsonObject) Wallet(Dictionary<string, string> q)
    {
        if (q.GetValueOrDefault("accountType") != "UNIFIED") return (10001, "accountType only support UNIFIED", new JsonObject());
        var w = F(WalletUsdt);
        return (0, "OK", new JsonObject
        {
            ["list"] = new JsonArray(new JsonObject
            {
                ["accountType"] = "UNIFIED", ["totalEquity"] = w, ["totalAvailableBalance"] = F(WalletUsdt - 100m), ["totalPerpUPL"] = "12.5",
                ["coin"] = new JsonArray(new JsonObject { ["coin"] = "USDT", ["walletBalance"] = w, ["usdValue"] = w, ["locked"] = "0", ["totalOrderIM"] = "100", ["totalPositionIM"] = "0", ["availableToWithdraw"] = "" }),
            }),
        });
    }

    private (int, string, JsonObject) ExecutionList(Dictionary<string, string> q)
    {
        var category = q.GetValueOrDefault("category");
        if (category is null) return (10001, "params error: category", new JsonObject());
        long? start = q.TryGetValue("startTime", out var s) ? long.Parse(s, CultureInfo.InvariantCulture) : null;
        long? end = q.TryGetValue("endTime", out var e) ? long.Parse(e, CultureInfo.InvariantCulture) : null;
        if (start is { } a && end is { } z && z - a > MaxWindowMs) return (10001, "params error: the interval between startTime and endTime must not exceed 7 days", new JsonObject());
        var limit = q.TryGetValue("limit", out var l) ? int.Parse(l, CultureInfo.InvariantCulture) : 50;
        if (limit is < 1 or > 100) return (10001, "params error: limit", new JsonObject());
        var offset = q.TryGetValue("cursor", out var c) && c.Length > 0 ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
        List<JsonObject> matching;
        lock (_execLock)
            matching = _executions.Where(x => x["category"]!.GetValue<string>() == category)
                .Select(x => (x, t: long.Parse(x["execTime"]!.GetValue<string>(), CultureInfo.InvariantCulture)))
                .Where(p => (start is null || p.t >= start) && (end is null || p.t <= end))
                .OrderByDescending(p => p.t).ThenByDescending(p => p.x["seq"]!.GetValue<long>())
                .Select(p => (JsonObject)p.x.DeepClone()).ToList();
        var page = matching.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < matching.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : "";
        var list = new JsonArray();
        foreach (var x in page) list.Add(x);
        return (0, "OK", new JsonObject { ["category"] = category, ["list"] = list, ["nextPageCursor"] = next });
    }

    private async Task WriteAsync(HttpContext ctx, int code, string msg, JsonObject result)
    {
        ctx.Response.ContentType = "application/json";
        // retCode as a number and time as a number, as Bybit sends them.
        var envelope = new JsonObject { ["retCode"] = code, ["retMsg"] = msg, ["result"] = result, ["retExtInfo"] = new JsonObject(), ["time"] = NowMs };
        await ctx.Response.WriteAsync(envelope.ToJsonString());
    }

    // ---------------------------------------------------------------- WebSockets

    private async Task RunPrivateAsync(HttpContext ctx)
    {
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
        var session = new PrivateSession(ws);
        var id = Guid.NewGuid();
        _sessions[id] = session;
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                var text = await ReceiveAsync(ws, ctx.RequestAborted);
                if (text is null) break;
                var m = JsonNode.Parse(text)!.AsObject();
                var op = m["op"]?.GetValue<string>();
                var reqId = m["req_id"]?.GetValue<string>() ?? "";
                switch (op)
                {
                    case "auth":
                    {
                        var args = m["args"]!.AsArray();
                        var key = args[0]!.GetValue<string>();
                        var expires = args[1]!.GetValue<long>();
                        var sig = args[2]!.GetValue<string>();
                        var ok = key == AcceptedKey && expires > NowMs && sig == HexHmac(AcceptedSecret, "GET/realtime" + expires.ToString(CultureInfo.InvariantCulture));
                        session.Authenticated = ok;
                        if (ok) Interlocked.Increment(ref _authenticatedSessions);
                        await session.SendAsync(JsonSerializer.Serialize(new { success = ok, ret_msg = ok ? "" : "Invalid sign", op = "auth", conn_id = id.ToString("N"), req_id = reqId }));
                        break;
                    }
                    case "subscribe":
                    {
                        var ok = session.Authenticated;
                        if (ok) foreach (var t in m["args"]!.AsArray()) session.Subscribed.TryAdd(t!.GetValue<string>(), 0);
                        await session.SendAsync(JsonSerializer.Serialize(new { success = ok, ret_msg = ok ? "" : "Request not authorized", op = "subscribe", conn_id = id.ToString("N"), req_id = reqId }));
                        break;
                    }
                    case "ping":
                        Interlocked.Increment(ref _pings);
                        await session.SendAsync(JsonSerializer.Serialize(new { req_id = reqId, op = "pong", args = new[] { NowMs.ToString(CultureInfo.InvariantCulture) }, conn_id = id.ToString("N") }));
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        finally { _sessions.TryRemove(id, out _); }
    }

    private async Task RunPublicAsync(HttpContext ctx)
    {
        using var ws = await ctx.WebSockets.AcceptWebSocketAsync();
        var session = new PublicSession(ws);
        var id = Guid.NewGuid();
        _publicSessions[id] = session;
        try
        {
            while (ws.State == WebSocketState.Open)
            {
                var text = await ReceiveAsync(ws, ctx.RequestAborted);
                if (text is null) break;
                var m = JsonNode.Parse(text)!.AsObject();
                var op = m["op"]?.GetValue<string>();
                if (op == "ping")
                {
                    await session.SendAsync(JsonSerializer.Serialize(new { success = true, ret_msg = "pong", op = "ping", conn_id = id.ToString("N") }));
                    continue;
                }
                if (op != "subscribe") continue;
                var topics = m["args"]!.AsArray().Select(t => t!.GetValue<string>()).ToList();
                foreach (var t in topics) session.Subscribed.TryAdd(t, 0);
                await session.SendAsync(JsonSerializer.Serialize(new { success = true, ret_msg = "subscribe", op = "subscribe", conn_id = id.ToString("N") }));
                foreach (var t in topics.Where(t => t.StartsWith("tickers.", StringComparison.Ordinal)))
                {
                    var symbol = t["tickers.".Length..];
                    if (!Prices.TryGetValue(symbol, out var price)) continue;
                    await session.SendAsync(JsonSerializer.Serialize(new
                    {
                        topic = t, type = "snapshot", ts = NowMs, cs = 1,
                        data = new { symbol, lastPrice = F(price), price24hPcnt = "0.0125", highPrice24h = F(price * 1.02m), lowPrice24h = F(price * 0.97m) },
                    }));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException) { }
        finally { _publicSessions.TryRemove(id, out _); }
    }

    /// <summary>Public ticker subscriptions currently open.</summary>
    public IReadOnlyList<string> PublicSubscriptions => _publicSessions.Values.SelectMany(s => s.Subscribed.Keys).ToList();

    private static async Task<string?> ReceiveAsync(WebSocket ws, CancellationToken ct)
    {
        var buffer = new byte[8192];
        using var ms = new MemoryStream();
        while (true)
        {
            var r = await ws.ReceiveAsync(buffer, ct);
            if (r.MessageType == WebSocketMessageType.Close) return null;
            ms.Write(buffer, 0, r.Count);
            if (r.EndOfMessage) return Encoding.UTF8.GetString(ms.ToArray());
        }
    }

    private static string F(decimal d) => d.ToString("0.############", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        DropPrivateConnections();
        foreach (var s in _publicSessions.Values) s.Socket.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private class Session(WebSocket socket)
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        public WebSocket Socket { get; } = socket;
        public ConcurrentDictionary<string, byte> Subscribed { get; } = new();

        public async Task SendAsync(string text)
        {
            await _lock.WaitAsync();
            try
            {
                if (Socket.State == WebSocketState.Open)
                    await Socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or ObjectDisposedException or IOException) { }
            finally { _lock.Release(); }
        }
    }

    private sealed class PrivateSession(WebSocket socket) : Session(socket)
    {
        public bool Authenticated { get; set; }
    }

    private sealed class PublicSession(WebSocket socket) : Session(socket);
}
