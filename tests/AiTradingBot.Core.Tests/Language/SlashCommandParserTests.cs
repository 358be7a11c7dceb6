using System.Text.Json.Nodes;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using Xunit;

namespace AiTradingBot.Core.Tests.Language;

public sealed class SlashCommandParserTests
{
    private static readonly SlashCommandParser Parser = new(SystemRegistry.Default);

    [Theory]
    [InlineData("/cc", """[{"action":"help","args":{}}]""")]
    [InlineData("/start", """[{"action":"help","args":{}}]""")]
    [InlineData("/help", """[{"action":"help","args":{}}]""")]
    [InlineData("/sitrep", """[{"action":"system.status","args":{"system":"all"}}]""")]
    [InlineData("/sitrep lxalgo", """[{"action":"system.status","args":{"system":"bravo"}}]""")]
    [InlineData("/deploy alpha", """[{"action":"system.start","args":{"system":"alpha"}}]""")]
    [InlineData("/deploy all", """[{"action":"system.start","args":{"system":"all"}}]""")]
    [InlineData("/terminate charlie", """[{"action":"system.stop","args":{"system":"charlie"}}]""")]
    [InlineData("/reboot db", """[{"action":"system.restart","args":{"system":"database"}}]""")]
    [InlineData("/intel alpha", """[{"action":"system.logs","args":{"system":"alpha","lines":50}}]""")]
    [InlineData("/intel bravo 200", """[{"action":"system.logs","args":{"system":"bravo","lines":200}}]""")]
    [InlineData("/diagnostics", """[{"action":"system.diagnostics","args":{"system":"all"}}]""")]
    [InlineData("/diagnostics redis", """[{"action":"system.diagnostics","args":{"system":"cache"}}]""")]
    [InlineData("/execute alpha health", """[{"action":"system.exec","args":{"system":"alpha","command":"health"}}]""")]
    [InlineData("/killswitch", """[{"action":"system.killswitch","args":{"closePositions":false}}]""")]
    [InlineData("/killswitch CONFIRM", """[{"action":"system.killswitch","args":{"closePositions":false}}]""")]
    [InlineData("/killswitch close CONFIRM", """[{"action":"system.killswitch","args":{"closePositions":true}}]""")]
    [InlineData("/resume", """[{"action":"trading.resume","args":{}}]""")]
    [InlineData("/buy 0.1 BTCUSDT", """[{"action":"order.place","args":{"symbol":"BTCUSDT","side":"buy","type":"market","category":"linear","reduceOnly":false,"qty":0.1}}]""")]
    [InlineData("/buy 0.1 btc 45000", """[{"action":"order.place","args":{"symbol":"BTCUSDT","side":"buy","type":"limit","category":"linear","reduceOnly":false,"qty":0.1,"price":45000}}]""")]
    [InlineData("/sell 2 ETHUSDT 3.5k", """[{"action":"order.place","args":{"symbol":"ETHUSDT","side":"sell","type":"limit","category":"linear","reduceOnly":false,"qty":2,"price":3500}}]""")]
    [InlineData("/buy $500 eth", """[{"action":"order.place","args":{"symbol":"ETHUSDT","side":"buy","type":"market","category":"linear","reduceOnly":false,"notional":500}}]""")]
    [InlineData("/close all", """[{"action":"position.close","args":{"symbol":"all","percent":100}}]""")]
    [InlineData("/close ETHUSDT 50", """[{"action":"position.close","args":{"symbol":"ETHUSDT","percent":50}}]""")]
    [InlineData("/close sol 25%", """[{"action":"position.close","args":{"symbol":"SOLUSDT","percent":25}}]""")]
    [InlineData("/cancel", """[{"action":"order.cancel","args":{}}]""")]
    [InlineData("/cancel BTCUSDT", """[{"action":"order.cancel","args":{"symbol":"BTCUSDT"}}]""")]
    [InlineData("/orders", """[{"action":"order.list","args":{}}]""")]
    [InlineData("/orders eth", """[{"action":"order.list","args":{"symbol":"ETHUSDT"}}]""")]
    [InlineData("/positions", """[{"action":"portfolio.positions","args":{}}]""")]
    [InlineData("/balance", """[{"action":"portfolio.balance","args":{}}]""")]
    [InlineData("/pnl", """[{"action":"portfolio.pnl","args":{"period":"today"}}]""")]
    [InlineData("/pnl week", """[{"action":"portfolio.pnl","args":{"period":"week"}}]""")]
    [InlineData("/trades", """[{"action":"portfolio.trades","args":{"limit":10}}]""")]
    [InlineData("/trades 25", """[{"action":"portfolio.trades","args":{"limit":25}}]""")]
    [InlineData("/price sol", """[{"action":"market.price","args":{"symbol":"SOLUSDT"}}]""")]
    [InlineData("/report", """[{"action":"report.send","args":{"kind":"daily"}}]""")]
    [InlineData("/report pnl", """[{"action":"report.send","args":{"kind":"pnl"}}]""")]
    [InlineData("/schedule sitrep */15 * * * *", """[{"action":"report.schedule","args":{"kind":"sitrep","cron":"*/15 * * * *"}}]""")]
    [InlineData("/schedule daily 0 8 * * 1-5", """[{"action":"report.schedule","args":{"kind":"daily","cron":"0 8 * * 1-5"}}]""")]
    [InlineData("/reports", """[{"action":"report.list","args":{}}]""")]
    [InlineData("/unschedule pnl", """[{"action":"report.cancel","args":{"kind":"pnl"}}]""")]
    public void Slash_command_becomes_its_catalog_step(string text, string steps)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.Plan, plan.Kind);
        Assert.True(PlanExpectation.Same(PlanJson.StepsNode(plan.Steps), JsonNode.Parse(steps)), PlanJson.Serialize(plan));
    }

    [Theory]
    [InlineData("/sitrep@AiTradingBot bravo", "bravo")]
    [InlineData("/SITREP BRAVO", "bravo")]
    [InlineData("  /Sitrep@SomeBot   lxalgo  ", "bravo")]
    public void Bot_name_suffix_and_case_are_ignored(string text, string system)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(new PlanStep(new SystemStatusArgs(system)), Assert.Single(plan.Steps));
    }

    [Theory]
    [InlineData("/deploy", "/deploy <system|all>")]
    [InlineData("/deploy delta", "Unknown system \"delta\"")]
    [InlineData("/terminate alpha bravo", "/terminate <system|all>")]
    [InlineData("/intel", "/intel <system> [lines]")]
    [InlineData("/intel all", "one system at a time")]
    [InlineData("/intel alpha lots", "/intel <system> [lines]")]
    [InlineData("/execute alpha", "/execute <system> <command>")]
    [InlineData("/execute alpha rm", "not an allowlisted command of alpha (allowed: health)")]
    [InlineData("/killswitch now", "/killswitch [close] [CONFIRM]")]
    [InlineData("/buy", "/buy <qty> <symbol> [price]")]
    [InlineData("/buy 0.1", "/buy <qty> <symbol> [price]")]
    [InlineData("/buy lots btc", "is not a quantity")]
    [InlineData("/buy 0.1 notacoin", "is not a symbol I know")]
    [InlineData("/sell 1 eth cheap", "/sell <qty> <symbol> [price]")]
    [InlineData("/close", "/close <symbol|all> [percent]")]
    [InlineData("/close btc 150", "Percent must be a number from 1 to 100")]
    [InlineData("/pnl decade", "/pnl [today|yesterday|week|month|all]")]
    [InlineData("/trades many", "/trades [n]")]
    [InlineData("/price", "/price <symbol>")]
    [InlineData("/report weekly", "/report [daily|sitrep|pnl]")]
    [InlineData("/schedule daily 0 8 * *", "/schedule <kind> <cron>")]
    [InlineData("/schedule hourly 0 * * * *", "/schedule <kind> <cron>")]
    [InlineData("/unschedule", "/unschedule <kind>")]
    [InlineData("/balance now", "/balance")]
    [InlineData("/resume trading", "/resume")]
    public void Wrong_arguments_ask_back_with_the_usage_line(string text, string expected)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.Clarify, plan.Kind);
        Assert.Empty(plan.Steps);
        Assert.Contains(expected, plan.Clarify);
    }

    [Theory]
    [InlineData("/sitrap", "Unknown command /sitrap. Did you mean /sitrep?")]
    [InlineData("/deplyo alpha", "Unknown command /deplyo. Did you mean /deploy?")]
    [InlineData("/balanse", "Unknown command /balanse. Did you mean /balance?")]
    [InlineData("/intell alpha", "Unknown command /intell. Did you mean /intel?")]
    [InlineData("/frobnicate", "Unknown command /frobnicate. Send /help for the list of commands.")]
    public void Unknown_command_suggests_the_closest_one(string text, string expected)
    {
        var plan = Parser.Parse(text);
        Assert.Equal(PlanKind.Clarify, plan.Kind);
        Assert.Equal(expected, plan.Clarify);
    }

    [Fact]
    public void Usage_lines_come_from_the_catalog()
    {
        foreach (var d in AiTradingBot.Core.Catalog.ActionCatalog.All.Where(d => d.Slash is not null && d.Slash != "killswitch"))
            Assert.Equal(d.SlashUsage is null ? "/" + d.Slash : $"/{d.Slash} {d.SlashUsage}", Parser.Usage(d.Slash!));
    }

    [Theory]
    [InlineData("/sitrep", true)]
    [InlineData("  /help", true)]
    [InlineData("/", false)]
    [InlineData("/ help", false)]
    [InlineData("//", false)]
    [InlineData("1/2 of my btc", false)]
    [InlineData("sitrep", false)]
    [InlineData("", false)]
    public void Slash_commands_are_recognised_by_a_leading_slash_and_a_letter(string text, bool expected) =>
        Assert.Equal(expected, SlashCommandParser.IsSlashCommand(text));

    [Fact]
    public void Gated_slash_commands_need_confirmation_and_read_only_ones_do_not()
    {
        Assert.True(Parser.Parse("/terminate alpha").Confirm);
        Assert.True(Parser.Parse("/killswitch").Confirm);
        Assert.True(Parser.Parse("/buy 0.1 btc").Confirm);
        Assert.False(Parser.Parse("/sitrep").Confirm);
        Assert.False(Parser.Parse("/intel alpha").Confirm);
    }
}
