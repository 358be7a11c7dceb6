using System.Text.Json;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>
/// Executions as Bybit sends them (WebSocket push and <c>/v5/execution/list</c>): a complete trade maps to a fill; a
/// trade with a field missing or unreadable is kept with the gap so the fills path dead-letters it with its reason,
/// never dropped here and never guessed (a missing side is not a buy).
/// </summary>
public sealed class BybitExecutionMappingTests
{
    private const string Complete = """
        {"category":"spot","symbol":"BTCUSDT","execId":"e-1","orderId":"o-1","orderLinkId":"atb-alpha-1","side":"Sell",
         "execPrice":"45000.5","execQty":"0.01","execFee":"0.45","feeCurrency":"USDT","execType":"Trade","execTime":"1764590400000"}
        """;

    private static ExecutionReport? Map(string json, Action<Dictionary<string, object?>>? change = null, OrderCategory? fallback = null)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, object?>>(json)!;
        change?.Invoke(fields);
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(fields));
        return BybitMapping.ToExecution(doc.RootElement, fallback);
    }

    [Fact]
    public void A_complete_trade_maps_to_a_fill_the_fills_path_accepts()
    {
        var e = Map(Complete)!;
        Assert.Equal(("e-1", "BTCUSDT", OrderCategory.Spot, OrderSide.Sell, 45000.5m, 0.01m, 0.45m, "USDT"),
            (e.ExecId, e.Symbol, e.Category, e.Side, e.Price, e.Qty, e.Fee, e.FeeCurrency));
        Assert.Null(ExecutionDefects.Find(e));
    }

    [Theory]
    [InlineData("execPrice", null, "bad_price")]
    [InlineData("execPrice", "n/a", "bad_price")]
    [InlineData("execQty", null, "bad_qty")]
    [InlineData("execQty", "0", "bad_qty")]
    [InlineData("execQty", "lots", "bad_qty")]
    [InlineData("execId", null, "missing_exec_id")]
    [InlineData("symbol", null, "missing_symbol")]
    [InlineData("side", null, "missing_side")]
    [InlineData("side", "Both", "missing_side")]
    [InlineData("category", null, "missing_category")]
    public void A_trade_with_a_gap_reaches_the_fills_path_and_is_dead_lettered_with_its_reason(string field, string? value, string kind)
    {
        var e = Map(Complete, f => { if (value is null) f.Remove(field); else f[field] = value; });
        Assert.NotNull(e);
        Assert.Equal(kind, ExecutionDefects.Find(e)?.Kind);
    }

    [Fact]
    public void The_request_category_fills_in_for_a_history_row_without_one()
    {
        var e = Map(Complete, f => f.Remove("category"), OrderCategory.Linear)!;
        Assert.Equal(OrderCategory.Linear, e.Category);
        Assert.Null(ExecutionDefects.Find(e));
    }

    [Theory]
    [InlineData("Funding")]
    [InlineData("Settle")]
    public void Executions_that_are_not_trades_are_not_fills(string execType) =>
        Assert.Null(Map(Complete, f => f["execType"] = execType));
}
