using System.Text.Json.Nodes;
using AiTradingBot.Llm.Agent;
using AiTradingBot.Llm.Tests;
using Xunit;

namespace AiTradingBot.Host.Tests.Cli;

/// <summary>
/// <c>ask</c> with a language model (a scripted OpenAI-compatible server over real HTTP): a plan the model made is
/// shown as a card and exits 3; <c>--yes</c> does not confirm it; <c>ask --confirm CODE</c> does, once.
/// </summary>
public sealed class AskModelTests : IDisposable
{
    private const string Paraphrase = "could you put the first strategy to sleep for a while";
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    private static string Tool(string action) => CatalogFunctions.ToolNameOf(action)!;

    private async Task<ScriptedOpenAIServer> ModelAsync(string mode, Func<JsonNode, ScriptedReply> responder)
    {
        var server = await ScriptedOpenAIServer.StartAsync();
        server.Responder = responder;
        _cli.Settings["Llm:Mode"] = mode;
        _cli.Settings["Llm:Endpoint"] = server.Endpoint;
        _cli.Settings["Llm:Model"] = "scripted-model";
        _cli.Settings["Llm:TimeoutSeconds"] = "20";
        return server;
    }

    private static bool HasToolResult(JsonNode body) => body["messages"]!.AsArray().Any(m => (string?)m!["role"] == "tool");

    [Fact]
    public async Task A_model_made_stop_waits_for_ask_confirm_and_yes_does_not_run_it()
    {
        await using var server = await ModelAsync("fallback", body => ScriptedOpenAIServer.UserText(body) == Paraphrase
            ? ScriptedReply.Call((Tool("system.stop"), new { system = "alpha" }))
            : ScriptedReply.Say("I'm not sure what you mean."));

        var first = await _cli.RunAsync(["ask", Paraphrase, "--json"]);
        Assert.Equal(3, first.Code);
        var reply = JsonNode.Parse(first.Out)!;
        Assert.Equal("model", (string?)reply["proposedBy"]);
        Assert.Equal("system.stop", (string?)reply["plan"]!["steps"]![0]!["action"]);
        var code = (string)reply["confirmation"]!["id"]!;

        var yes = await _cli.RunAsync(["ask", Paraphrase, "--yes"]);
        Assert.Equal(3, yes.Code);
        Assert.Contains("CONFIRM [PAPER", yes.Out);
        Assert.Contains("--yes does not confirm it", yes.Out);
        Assert.Contains("ask --confirm ", yes.Out);
        Assert.DoesNotContain("stopped", yes.Out);

        var confirmed = await _cli.RunAsync(["ask", "--confirm", code]);
        Assert.True(confirmed.Code == 0, confirmed.Out + confirmed.Err);
        Assert.Contains("alpha (shortseller_trading) stopped", confirmed.Out);

        var again = await _cli.RunAsync(["ask", "--confirm", code]);
        Assert.NotEqual(0, again.Code);
        Assert.Contains("already handled", again.Out);
    }

    [Fact]
    public async Task A_deterministic_plan_keeps_yes_and_can_also_be_confirmed_by_code()
    {
        await using var server = await ModelAsync("fallback", _ => ScriptedReply.Say("unused"));

        var yes = await _cli.RunAsync(["ask", "stop bravo", "--yes"]);
        Assert.Equal(0, yes.Code);
        Assert.Contains("bravo (lxalgo_trading) stopped", yes.Out);

        var card = JsonNode.Parse((await _cli.RunAsync(["ask", "restart bravo", "--json"])).Out)!;
        Assert.Equal("parser", (string?)card["proposedBy"]);
        var confirmed = await _cli.RunAsync(["ask", "--confirm", (string)card["confirmation"]!["id"]!]);
        Assert.Equal(0, confirmed.Code);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Instructions_in_tool_output_schedule_nothing_and_the_reply_names_what_was_dropped()
    {
        await using var server = await ModelAsync("primary", body => (ScriptedOpenAIServer.UserText(body), HasToolResult(body)) switch
        {
            ("what do alpha's logs say?", false) => ScriptedReply.Call((Tool("system.logs"), new { system = "alpha", lines = 5 })),
            // Round two: the model "obeys" an instruction it read in the logs.
            ("what do alpha's logs say?", true) => ScriptedReply.Call((Tool("report.schedule"), new { kind = "pnl", cron = "* * * * *" })),
            ("what reports are scheduled", _) => ScriptedReply.Call((Tool("report.list"), new { })),
            _ => ScriptedReply.Say("?"),
        });

        var (code, output, _) = await _cli.RunAsync(["ask", "what do alpha's logs say?", "--yes"]);

        Assert.Equal(0, code);
        Assert.Contains("Dropped what the language model proposed after reading tool output (system.logs): report.schedule", output);
        Assert.DoesNotContain("CONFIRM", output);
        var reports = await _cli.RunAsync(["ask", "what reports are scheduled"]);
        Assert.Equal(0, reports.Code);
        Assert.Contains("No reports are scheduled", reports.Out);
        Assert.Empty(server.ProtocolErrors);
    }

    [Fact]
    public async Task Confirm_needs_a_code_that_is_waiting_and_no_message_beside_it()
    {
        await using var server = await ModelAsync("fallback", _ => ScriptedReply.Say("unused"));

        var unknown = await _cli.RunAsync(["ask", "--confirm", "ZZZZ2222"]);
        Assert.Equal(1, unknown.Code);
        Assert.Contains("nothing waiting", unknown.Out);
        var both = await _cli.RunAsync(["ask", "stop alpha", "--confirm", "ZZZZ2222"]);
        Assert.NotEqual(0, both.Code);
        Assert.Contains("either a message or --confirm", both.Err + both.Out);
        var none = await _cli.RunAsync(["ask"]);
        Assert.NotEqual(0, none.Code);
    }

    [Fact]
    public async Task Eval_scores_the_semantic_kernel_path_and_fails_on_an_unsafe_output()
    {
        // A model that answers every message in words, except that it "stops alpha" when greeted.
        await using var server = await ModelAsync("primary", body => ScriptedOpenAIServer.UserText(body) == "hello"
            ? ScriptedReply.Call((Tool("system.stop"), new { system = "alpha" }))
            : ScriptedReply.Say("I'd rather not guess."));
        var corpus = Path.Combine(CliVerbTests.RepoRoot(), "tests", "corpus", "dev.jsonl");

        var (code, output, _) = await _cli.RunAsync(["eval", "--corpus", corpus, "--json"]);

        Assert.Equal(1, code);
        var scores = JsonNode.Parse(output)!;
        Assert.Equal(1, (int)scores["unsafe"]!);
        Assert.Contains("scripted-model at 127.0.0.1", (string?)scores["interpreter"]);
        Assert.Equal(["single", "multiple", "compound", "irrelevance", "missing_argument"], scores["categories"]!.AsArray().Select(c => (string)c!["category"]!));
        // Every corpus line but slash commands and what the offline parser refused on purpose went to the model.
        Assert.InRange(server.Requests.Count, 1, 107);
        Assert.Contains(server.Requests, r => ScriptedOpenAIServer.UserText(r) == "hello");
    }

    [Fact]
    public async Task With_the_model_down_ask_answers_from_the_offline_parser()
    {
        await using var server = await ModelAsync("primary", _ => ScriptedReply.Fail(503));
        _cli.Settings["Llm:RetryDelayMilliseconds"] = "10";

        var (code, output, _) = await _cli.RunAsync(["ask", "status of alpha"]);

        Assert.Equal(0, code);
        Assert.Contains("alpha (shortseller_trading) running", output);
        Assert.Equal(3, server.Requests.Count);
    }
}
