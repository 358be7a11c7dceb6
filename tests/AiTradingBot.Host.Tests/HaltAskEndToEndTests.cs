using System.Globalization;
using System.Text.RegularExpressions;
using AiTradingBot.Cli;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// Issue 12 from the CLI against Podman (scripts/servers/podman.sh) and the paper exchange, each <c>ask</c> a fresh host
/// over the same data directory: the killswitch stops the trading system and leaves no resting order, and the halt holds
/// (launch refused, only reducing orders pass, counting the resting ones).
/// </summary>
public sealed partial class HaltAskEndToEndTests : IAsyncDisposable
{
    private readonly OneDockerContainer _box = new("halt");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [GeneratedRegex(@"BTCUSDT ([0-9,]+(?:\.[0-9]+)?)")]
    private static partial Regex BtcPrice();

    public ValueTask DisposeAsync() => _box.DisposeAsync();

    private Dictionary<string, string?> Configuration() => new()
    {
        ["Docker:Endpoint"] = _box.Endpoint,
        ["Systems:alpha:Container"] = _box.Container,
        // Only alpha is a trading system here: the other configured ones do not exist on the test daemon.
        ["Systems:bravo:Role"] = "Infrastructure",
        ["Systems:charlie:Role"] = "Infrastructure",
        ["Assistant:StopTimeoutSeconds"] = "10",
        ["Storage:DataDirectory"] = _box.DataDir,
        ["Llm:Mode"] = "off",
        ["Launch:Templates:grid:Image"] = _box.Image,
    };

    private async Task<(int Exit, string Out)> AskAsync(params string[] args)
    {
        var (exit, stdout, stderr) = await OneDockerContainer.AskAsync(Configuration(), args);
        return (exit, $"stdout:\n{stdout}\nstderr:\n{stderr}");
    }

    private async Task<decimal> LastBtcPriceAsync()
    {
        var (exit, output) = await AskAsync("btc price");
        Assert.True(exit == 0, output);
        return decimal.Parse(BtcPrice().Match(output).Groups[1].Value.Replace(",", ""), CultureInfo.InvariantCulture);
    }

    private static string Price(decimal p) => Math.Round(p, 0).ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task After_the_killswitch_no_order_rests_launch_and_new_risk_are_refused_and_only_one_reducing_sell_passes()
    {
        await _box.Docker.LaunchAsync(new LaunchRequest(_box.Container, _box.Image, ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"],
            new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(10), "no"), _ct);

        var (exit, output) = await AskAsync("buy 0.02 btc", "--yes");
        Assert.True(exit == 0, output);
        var last = await LastBtcPriceAsync();
        (exit, output) = await AskAsync($"buy 0.01 btc at {Price(last * 0.98m)}", "--yes");
        Assert.True(exit == 0, output);
        (exit, output) = await AskAsync("orders");
        Assert.Contains("Open orders (1)", output);

        (exit, output) = await AskAsync("/killswitch CONFIRM");
        Assert.True(exit == 0, output);
        Assert.False((await _box.Docker.InspectAsync(_box.Container, _ct)).Running);
        Assert.Contains("No open orders left", output);
        (exit, output) = await AskAsync("orders");
        Assert.True(exit == 0, output);
        Assert.Contains("No open orders", output);

        (exit, output) = await AskAsync("/launch grid delta", "--yes");
        Assert.True(exit == 4, $"exit {exit}\n{output}");
        Assert.Contains("halted", output);
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => _box.Docker.InspectAsync("delta", _ct));

        var sell = $"sell 0.02 btc at {Price(last * 1.02m)}";
        (exit, output) = await AskAsync(sell, "--yes");
        Assert.True(exit == 0, $"exit {exit}\n{output}");
        (exit, output) = await AskAsync(sell, "--yes");
        Assert.True(exit == 4, $"exit {exit}\n{output}");
        Assert.Contains("halted", output);

        (exit, output) = await AskAsync("buy 0.01 btc", "--yes");
        Assert.True(exit == 4, $"exit {exit}\n{output}");
        (exit, output) = await AskAsync("orders");
        Assert.Contains("Open orders (1)", output);
    }
}
