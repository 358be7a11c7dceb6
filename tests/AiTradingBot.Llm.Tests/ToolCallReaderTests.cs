using System.Text.Json;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using AiTradingBot.Llm.OpenAI;
using AiTradingBot.Llm.Tools;
using Xunit;

namespace AiTradingBot.Llm.Tests;

/// <summary>Tool calls are read strictly into typed, normalized steps.</summary>
public sealed class ToolCallReaderTests
{
    private static readonly ToolCallReader Reader = new(new ToolSet(SystemRegistry.Default));

    private static ToolCallOutcome Read(string tool, string args) => Reader.Read(OpenAIChatClientAdapter.FunctionCall("c1", tool, args));

    [Theory]
    [InlineData("system_stop", """{"system":"shortseller"}""")]
    [InlineData("system_stop", """{"system":"ALPHA"}""")]
    [InlineData("system_stop", """{"system":"shortseller_trading"}""")]
    public void Aliases_and_container_names_become_canonical_systems(string tool, string args) =>
        Assert.Equal(new PlanStep(new SystemStopArgs("alpha")), Read(tool, args).Step);

    [Fact]
    public void Coins_become_exchange_symbols_and_defaults_are_filled()
    {
        var step = Read("order_place", """{"symbol":"eth","side":"buy","notional":500}""").Step;
        Assert.Equal(new PlanStep(new OrderPlaceArgs("ETHUSDT", OrderSide.Buy, Notional: 500)), step);
        Assert.Equal(new PlanStep(new PositionCloseArgs("all")), Read("position_close", """{"symbol":"ALL"}""").Step);
        Assert.Equal(new PlanStep(new SystemLogsArgs("bravo")), Read("system_logs", """{"system":"lxalgo"}""").Step);
    }

    [Fact]
    public void A_price_without_a_type_reads_as_a_limit_order()
    {
        var step = Read("order_place", """{"symbol":"BTCUSDT","side":"buy","qty":0.1,"price":45000}""").Step!;
        Assert.Equal(OrderType.Limit, ((OrderPlaceArgs)step.Args).Type);
    }

    [Theory]
    [InlineData("system_stop", "", "missing required argument 'system'")]
    [InlineData("system_stop", "null", "must be a JSON object")]
    [InlineData("system_stop", "\"alpha\"", "not valid JSON")]
    [InlineData("system.stop", """{"system":"alpha"}""", "no tool named 'system.stop'")]
    [InlineData("position_close", """{"symbol":"all","percent":"half"}""", "'percent' must be a number")]
    [InlineData("ask_user", "{}", "needs a question")]
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
        Assert.Equal(new PlanStep(new PortfolioPnlArgs(PnlPeriod.Week)), Reader.Read("portfolio_pnl", doc.RootElement).Step);
    }
}
