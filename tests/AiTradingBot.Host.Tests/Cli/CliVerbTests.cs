using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace AiTradingBot.Host.Tests.Cli;

public sealed class CliVerbTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task Parse_json_prints_the_contract_plan_and_nothing_else()
    {
        var (code, output, _) = await _cli.RunAsync(["parse", "--json", "stop alpha and show me the last 100 lines"]);
        Assert.Equal(0, code);
        var plan = JsonNode.Parse(output)!;
        Assert.Equal("plan", plan["kind"]!.GetValue<string>());
        Assert.True(plan["confirm"]!.GetValue<bool>());
        Assert.Equal("""[{"action":"system.stop","args":{"system":"alpha"}},{"action":"system.logs","args":{"system":"alpha","lines":100}}]""", plan["steps"]!.ToJsonString());
    }

    [Fact]
    public async Task Parse_stdin_prints_one_plan_per_line_in_order()
    {
        var (code, output, _) = await _cli.RunAsync(["parse", "--json", "--stdin"], "sitrep\n/deploy bravo\nhello\n\nbuy some bitcoin\n");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length);
        var kinds = lines.Select(l => JsonNode.Parse(l)!["kind"]!.GetValue<string>()).ToArray();
        Assert.Equal(["plan", "plan", "none", "none", "clarify"], kinds);
        Assert.Equal("/deploy bravo", JsonNode.Parse(lines[1])!["input"]!.GetValue<string>());
    }

    [Fact]
    public async Task Ask_exit_codes_follow_the_contract()
    {
        Assert.Equal(0, (await _cli.RunAsync(["ask", "sitrep"])).Code);
        Assert.Equal(2, (await _cli.RunAsync(["ask", "stop"])).Code);
        Assert.Equal(2, (await _cli.RunAsync(["ask", "hello"])).Code);
        // Questions about the world are nothing to do (issue 21), never a balance read guessed from "capital".
        Assert.Equal(2, (await _cli.RunAsync(["ask", "what's the capital of portugal"])).Code);
        Assert.Equal(3, (await _cli.RunAsync(["ask", "stop", "alpha"])).Code);
        Assert.Equal(4, (await _cli.RunAsync(["ask", "buy 1 btc"])).Code);
    }

    [Fact]
    public async Task Ask_without_yes_prints_the_confirmation_and_changes_nothing()
    {
        var (code, output, _) = await _cli.RunAsync(["ask", "buy 0.01 btc"]);
        Assert.Equal(3, code);
        Assert.Contains("CONFIRM [PAPER", output);
        Assert.Contains("Not executed", output);
        var positions = await _cli.RunAsync(["ask", "show my positions", "--json"]);
        Assert.Contains("No open positions", (await _cli.RunAsync(["ask", "show my positions"])).Out);
        Assert.Equal(0, positions.Code);
    }

    [Fact]
    public async Task Ask_yes_executes_and_paper_state_is_kept_across_runs()
    {
        var (code, output, _) = await _cli.RunAsync(["ask", "buy 0.01 btc", "--yes"]);
        Assert.Equal(0, code);
        Assert.Contains("[PAPER] BUY 0.01 BTCUSDT market: filled", output);
        var next = await _cli.RunAsync(["ask", "show my positions", "--json"]);
        var result = JsonNode.Parse(next.Out)!["steps"]![0]!["result"]!;
        Assert.Equal(0.01m, result["positions"]![0]!["qty"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Ask_json_reports_kind_exit_code_and_card()
    {
        var (code, output, _) = await _cli.RunAsync(["ask", "restart bravo", "--json"]);
        Assert.Equal(3, code);
        var reply = JsonNode.Parse(output)!;
        Assert.Equal("awaitingConfirmation", reply["kind"]!.GetValue<string>());
        Assert.Equal(3, reply["exitCode"]!.GetValue<int>());
        Assert.Matches("^[A-Z2-9]{8}$", reply["confirmation"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_confirms_with_yes_and_its_banner_says_paper_and_demo()
    {
        var (code, output, _) = await _cli.RunAsync(["chat"], "stop alpha\nyes\nstatus of alpha\nexit\n");
        Assert.Equal(0, code);
        Assert.Contains("Trading:  PAPER", output);
        Assert.Contains("Systems:  DEMO", output);
        Assert.Contains("CONFIRM [PAPER", output);
        Assert.Contains("alpha (shortseller_trading) stopped", output);
        Assert.Contains("alpha (shortseller_trading) exited", output);
    }

    [Fact]
    public async Task Chat_cancels_with_no()
    {
        var (_, output, _) = await _cli.RunAsync(["chat"], "stop alpha\nno\nstatus of alpha\nexit\n");
        Assert.Contains("Cancelled", output);
        Assert.Contains("alpha (shortseller_trading) running", output);
    }

    [Fact]
    public async Task Invalid_configuration_is_reported_at_start_with_the_setting_named()
    {
        _cli.Settings["Risk:MaxLeverage"] = "0";
        var (code, _, error) = await _cli.RunAsync(["ask", "sitrep"]);
        Assert.Equal(1, code);
        Assert.Contains("Configuration is invalid", error);
        Assert.Contains("MaxLeverage", error);
    }

    [Fact]
    public async Task An_explicitly_configured_docker_endpoint_that_does_not_answer_is_an_error_not_a_demo()
    {
        _cli.Settings["Docker:Endpoint"] = "unix:///tmp/atb-no-such-docker.sock";
        var (code, output, _) = await _cli.RunAsync(["ask", "sitrep"]);
        Assert.Equal(1, code);
        Assert.Contains("unix:///tmp/atb-no-such-docker.sock", output);
        Assert.DoesNotContain("DEMO", output);
    }

    [Fact]
    public async Task The_readme_action_table_is_the_generated_one()
    {
        var (_, table, _) = await _cli.RunAsync(["catalog", "--markdown"]);
        var readme = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "README.md"), TestContext.Current.CancellationToken);
        Assert.Contains(table.Trim(), readme.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Eval_scores_the_offline_parser_on_the_dev_corpus()
    {
        var corpus = Path.Combine(RepoRoot(), "tests", "corpus", "dev.jsonl");
        var (code, output, _) = await _cli.RunAsync(["eval", "--corpus", corpus, "--json"]);
        Assert.Equal(0, code);
        var scores = JsonDocument.Parse(output).RootElement;
        Assert.Equal(107, scores.GetProperty("total").GetInt32());
        Assert.Equal(107, scores.GetProperty("correct").GetInt32());
        Assert.Equal(0, scores.GetProperty("unsafe").GetInt32());
    }

    internal static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "")
    {
        // From this source file's path: independent of where the build output lives.
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AiTradingBot.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }
}
