using AiTradingBot.Bybit.Tests.Support;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>Exactly one order per confirmed step under every fault the server can inject; errors mapped to clear messages.</summary>
public sealed class BybitFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A short request timeout for tests where the server hangs after accepting.</summary>
    private static Dictionary<string, string?> ShortTimeout => new() { ["Bybit:RequestTimeout"] = "00:00:02" };

    private static OrderRequest Step(string id, OrderType type = OrderType.Market, decimal? price = null) =>
        new(id, "alpha", "BTCUSDT", OrderCategory.Linear, OrderSide.Buy, type, 0.002m, price);

    [Fact]
    public async Task Clock_drift_10002_resyncs_time_and_places_the_order_once()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.Exchange.GetWalletAsync(Ct); // synced now
        h.Server.ClockSkewMs = 30_000;      // then the server clock jumps ahead: the next request is outside the window

        var r = await h.Exchange.PlaceOrderAsync(Step("alpha-tw-1"), Ct);

        Assert.True(r.Accepted);
        Assert.Single(h.Server.Orders);
        var creates = h.Server.Requests.Where(x => x.Path == "/v5/order/create").Select(x => x.RetCode).ToList();
        Assert.Equal([10002, 0], creates);
        Assert.Equal(2, h.Server.Requests.Count(x => x.Path == "/v5/market/time"));
    }

    [Fact]
    public async Task Rate_limit_10006_waits_for_the_reset_header_and_places_the_order_once()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.Exchange.GetWalletAsync(Ct);
        h.Server.RateLimitResetMs = 400;
        h.Server.RateLimitNext(1);

        var started = DateTime.UtcNow;
        var r = await h.Exchange.PlaceOrderAsync(Step("alpha-rl-1"), Ct);

        Assert.True(r.Accepted);
        Assert.Single(h.Server.Orders);
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(300), "the client waited for the reset timestamp");
        Assert.Equal([10006, 0], h.Server.Requests.Where(x => x.Path == "/v5/order/create").Select(x => x.RetCode));
        Assert.Contains("rate limit", h.Logs.AllText);
    }

    [Fact]
    public async Task Http_429_is_a_rate_limit_too()
    {
        await using var h = await BybitHarness.StartAsync();
        await h.Exchange.GetWalletAsync(Ct);
        h.Server.RateLimitAsHttp429 = true;
        h.Server.RateLimitNext(2);

        var r = await h.Exchange.PlaceOrderAsync(Step("alpha-429-1"), Ct);

        Assert.True(r.Accepted);
        Assert.Single(h.Server.Orders);
    }

    [Fact]
    public async Task A_rate_limit_longer_than_allowed_fails_without_placing()
    {
        await using var h = await BybitHarness.StartAsync(new() { ["Bybit:MaxRateLimitWait"] = "00:00:01" });
        await h.Exchange.GetWalletAsync(Ct);
        h.Server.RateLimitResetMs = 60_000;
        h.Server.RateLimitNext(1);

        var e = await Assert.ThrowsAsync<ExchangeException>(() => h.Exchange.PlaceOrderAsync(Step("alpha-rl-2"), Ct));
        Assert.Equal("10006", e.Code);
        Assert.Empty(h.Server.Orders);
    }

    [Fact]
    public async Task A_timeout_after_the_venue_accepted_a_market_order_finds_it_instead_of_sending_it_again()
    {
        await using var h = await BybitHarness.StartAsync(ShortTimeout);
        h.Server.HangNextOrderCreates(1);

        var r = await h.Exchange.PlaceOrderAsync(Step("alpha-hang-1"), Ct);

        Assert.True(r.Accepted);
        Assert.Equal(OrderStatus.Filled, r.Status); // found in the order history
        Assert.Equal(0.002m, r.FilledQty);
        var order = Assert.Single(h.Server.Orders);
        Assert.Equal(order.OrderId, r.OrderId);
        Assert.Single(h.Server.Requests, x => x.Path == "/v5/order/create");
        Assert.Contains(h.Server.Requests, x => x.Path == "/v5/order/realtime" && x.Query.Contains("orderLinkId=alpha-hang-1"));
        Assert.Contains(h.Server.Requests, x => x.Path == "/v5/order/history" && x.Query.Contains("orderLinkId=alpha-hang-1"));
    }

    [Fact]
    public async Task A_timeout_after_the_venue_accepted_a_limit_order_finds_it_on_the_book()
    {
        await using var h = await BybitHarness.StartAsync(ShortTimeout);
        h.Server.HangNextOrderCreates(1);

        var r = await h.Exchange.PlaceOrderAsync(Step("alpha-hang-2", OrderType.Limit, 55_000m), Ct);

        Assert.True(r.Accepted);
        Assert.Equal(OrderStatus.New, r.Status);
        Assert.Single(h.Server.Orders);
        Assert.Single(h.Server.Requests, x => x.Path == "/v5/order/create");
    }

    [Fact]
    public async Task Confirming_the_same_step_again_returns_the_existing_order()
    {
        await using var h = await BybitHarness.StartAsync();
        var first = await h.Exchange.PlaceOrderAsync(Step("alpha-dup-1", OrderType.Limit, 55_000m), Ct);
        var again = await h.Exchange.PlaceOrderAsync(Step("alpha-dup-1", OrderType.Limit, 55_000m), Ct);

        Assert.True(again.Accepted);
        Assert.True(again.AlreadyExisted);
        Assert.Equal(first.OrderId, again.OrderId);
        Assert.Single(h.Server.Orders);
        Assert.Equal([0, 110072], h.Server.Requests.Where(x => x.Path == "/v5/order/create").Select(x => x.RetCode));
    }

    [Fact]
    public async Task Every_fault_at_once_still_places_exactly_one_order_per_step()
    {
        await using var h = await BybitHarness.StartAsync(ShortTimeout);
        await h.Exchange.GetWalletAsync(Ct);
        var steps = Enumerable.Range(1, 6).Select(i => Step($"alpha-step-{i}")).ToList();

        h.Server.RateLimitNext(1);
        await h.Exchange.PlaceOrderAsync(steps[0], Ct);
        h.Server.ClockSkewMs = -20_000;
        await h.Exchange.PlaceOrderAsync(steps[1], Ct);
        h.Server.HangNextOrderCreates(1);
        await h.Exchange.PlaceOrderAsync(steps[2], Ct);
        await h.Exchange.PlaceOrderAsync(steps[2], Ct); // a second confirmation press of the same step
        h.Server.HangNextOrderCreates(1);
        h.Server.RateLimitNext(1);
        await h.Exchange.PlaceOrderAsync(steps[3], Ct);
        await h.Exchange.PlaceOrderAsync(steps[4], Ct);
        await h.Exchange.PlaceOrderAsync(steps[4], Ct);
        h.Server.ClockSkewMs = 15_000;
        await h.Exchange.PlaceOrderAsync(steps[5], Ct);

        Assert.Equal(steps.Select(s => s.ClientOrderId).Order(), h.Server.Orders.Select(o => o.OrderLinkId).Order());
        Assert.All(h.Server.Requests.Where(r => r.Signed), r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task A_business_rejection_is_a_rejected_result_with_Bybit_s_reason()
    {
        await using var h = await BybitHarness.StartAsync();
        h.Server.MaxAffordableQty = 0.001m;

        var r = await h.Exchange.PlaceOrderAsync(Step("alpha-poor-1"), Ct);

        Assert.False(r.Accepted);
        Assert.Equal(OrderStatus.Rejected, r.Status);
        Assert.Equal("ab not enough for new order (110007)", r.RejectReason);
        Assert.Empty(h.Server.Orders);
    }

    [Fact]
    public async Task A_client_order_id_Bybit_would_refuse_is_refused_without_calling_Bybit()
    {
        await using var h = await BybitHarness.StartAsync();
        var r = await h.Exchange.PlaceOrderAsync(Step("alpha:manual:1700000000"), Ct);
        Assert.False(r.Accepted);
        Assert.Contains("not a valid Bybit orderLinkId", r.RejectReason);
        Assert.Empty(h.Server.Requests);
    }

    [Fact]
    public async Task An_invalid_key_tells_the_operator_to_check_the_key_and_environment()
    {
        await using var h = await BybitHarness.StartAsync();
        h.Server.AcceptedKey = "another-key";
        var e = await Assert.ThrowsAsync<ExchangeException>(() => h.Exchange.PlaceOrderAsync(Step("alpha-k-1"), Ct));
        Assert.Equal("10003", e.Code);
        Assert.Contains("Check Bybit:ApiKey", e.Message);
        Assert.Contains("testnet", e.Message);
    }

    [Fact]
    public async Task A_wrong_secret_tells_the_operator_to_check_the_secret()
    {
        await using var h = await BybitHarness.StartAsync();
        h.Server.AcceptedSecret = "another-secret";
        var e = await Assert.ThrowsAsync<ExchangeException>(() => h.Exchange.GetWalletAsync(Ct));
        Assert.Equal("10004", e.Code);
        Assert.Contains("Check that Bybit:ApiSecret belongs to Bybit:ApiKey", e.Message);
    }

    [Fact]
    public async Task A_key_without_trade_permission_says_which_permissions_to_grant()
    {
        await using var h = await BybitHarness.StartAsync();
        h.Server.KeyCanTrade = false;
        var e = await Assert.ThrowsAsync<ExchangeException>(() => h.Exchange.PlaceOrderAsync(Step("alpha-p-1"), Ct));
        Assert.Equal("10005", e.Code);
        Assert.Contains("trading permissions (never withdrawal)", e.Message);
        Assert.Empty(h.Server.Orders);
    }
}
