using System.Text.Json;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm.Agent;
using AiTradingBot.Llm.Tools;
using Xunit;

namespace AiTradingBot.Llm.Tests;

/// <summary>Tool calls are read strictly into typed, normalized steps.</summary>
public sealed class ToolCallReaderTests
{
    private static readonly ToolCallReader Reader = new(SystemRegistry.Default);

    private static ToolCallOutcome Read(string tool, string args) => Reader.Read(new ModelToolCall("c1", tool, args));

    [Theory]
    [InlineData("""{"system":"shortseller"}""")]
    [InlineData("""{"system":"ALPHA"}""")]
    [InlineData("""{"system":"shortseller_trading"}""")]
    public void Aliases_and_container_names_become_canonical_systems(string args) =>
        Assert.Equal(new PlanStep(new SystemStopArgs("alpha")), Read(Fn.Of("system.stop"), args).Step);

    [Fact]
    public void Coins_become_exchange_symbols_and_defaults_are_filled()
    {
        var step = Read(Fn.Of("order.place"), """{"symbol":"eth","side":"buy","notional":500}""").Step;
        Assert.Equal(new PlanStep(new OrderPlaceArgs("ETHUSDT", OrderSide.Buy, Notional: 500)), step);
        Assert.Equal(new PlanStep(new PositionCloseArgs("all")), Read(Fn.Of("position.close"), """{"symbol":"ALL"}""").Step);
        Assert.Equal(new PlanStep(new SystemLogsArgs("bravo")), Read(Fn.Of("system.logs"), """{"system":"lxalgo"}""").Step);
    }

    [Fact]
    public void A_price_without_a_type_reads_as_a_limit_order()
    {
        var step = Read(Fn.Of("order.place"), """{"symbol":"BTCUSDT","side":"buy","qty":0.1,"price":45000}""").Step!;
        Assert.Equal(OrderType.Limit, ((OrderPlaceArgs)step.Args).Type);
    }

    [Theory]
    [InlineData("systems-system_stop", "", "missing required argument 'system'")]
    [InlineData("systems-system_stop", "null", "not valid JSON")]
    [InlineData("systems-system_stop", "\"alpha\"", "not valid JSON")]
    [InlineData("systems-system_stop", """{"system":"alpha","system":"bravo"}""", "appears twice")]
    [InlineData("system.stop", """{"system":"alpha"}""", "no function named 'system.stop'")]
    [InlineData("SYSTEMS-SYSTEM_STOP", """{"system":"alpha"}""", "no function named")]
    [InlineData("trading-position_close", """{"symbol":"all","percent":"half"}""", "'percent' must be a number")]
    [InlineData("trading-order_place", """{"symbol":"DOGEMOONCOIN","side":"buy","qty":1}""", "not a market symbol")]
    [InlineData("systems-system_restart", """{"system":"omega"}""", "system 'omega' does not exist")]
    [InlineData("help-ask_user", "{}", "needs a question")]
    public void Bad_calls_say_what_is_wrong(string tool, string args, string error)
    {
        var outcome = Read(tool, args);
        Assert.Null(outcome.Step);
        Assert.Contains(error, outcome.Error);
    }

    [Fact]
    public void Reading_works_from_plain_json_too()
    {
        using var doc = JsonDocument.Parse("""{"period":"week"}""");
        Assert.Equal(new PlanStep(new PortfolioPnlArgs(PnlPeriod.Week)), Reader.Read(CatalogFunctions.ToolNameOf("portfolio.pnl")!, doc.RootElement).Step);
    }
}
