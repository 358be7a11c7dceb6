using AiTradingBot.Cli;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// <c>ask</c> end to end against a real Docker-compatible API (Podman from scripts/servers/podman.sh): the host composes
/// the Docker adapter from <c>Docker:Endpoint</c>, and system <c>alpha</c> points at a container made for the test.
/// </summary>
public sealed class DockerAskEndToEndTests : IAsyncDisposable
{
    private readonly OneDockerContainer _box = new("e2e");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _box.DisposeAsync();

    private Dictionary<string, string?> Configuration() => new()
    {
        ["Docker:Endpoint"] = _box.Endpoint,
        ["Systems:alpha:Container"] = _box.Container,
        ["Assistant:StopTimeoutSeconds"] = "10",
        ["Storage:Ephemeral"] = "true",
        ["Storage:DataDirectory"] = _box.DataDir,
        ["Llm:Mode"] = "off",
    };

    private async Task LaunchAlphaAsync(bool running)
    {
        await _box.Docker.LaunchAsync(new LaunchRequest(_box.Container, _box.Image,
            ["/bin/sh", "-c", "trap 'exit 0' TERM; for i in $(seq 1 12); do echo \"alpha tick $i\"; done; while true; do sleep 0.1; done"],
            new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(10), "no"), _ct);
        for (var i = 0; i < 100 && (await _box.Docker.GetLogsAsync(_box.Container, new LogQuery(20), _ct)).Count < 12; i++) await Task.Delay(50, _ct);
        if (!running) await _box.Docker.StopAsync(_box.Container, TimeSpan.FromSeconds(10), _ct);
    }

    private Task<(int Exit, string Out, string Err)> AskAsync(params string[] args) => OneDockerContainer.AskAsync(Configuration(), args);

    [Fact]
    public async Task Stop_alpha_and_show_the_last_5_lines_with_yes_stops_the_real_container_and_prints_its_log_lines()
    {
        await LaunchAlphaAsync(running: true);

        var (exit, output, errors) = await AskAsync("stop alpha and show me the last 5 lines", "--yes");

        Assert.True(exit == 0, $"exit {exit}\nstdout:\n{output}\nstderr:\n{errors}");
        Assert.False((await _box.Docker.InspectAsync(_box.Container, _ct)).Running);
        for (var i = 8; i <= 12; i++) Assert.Contains($"alpha tick {i}", output);
        Assert.DoesNotContain("alpha tick 7", output);
        Assert.DoesNotContain("DEMO", output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Start_alpha_without_yes_changes_nothing_and_exits_3()
    {
        await LaunchAlphaAsync(running: false);

        var (exit, output, errors) = await AskAsync("start alpha");

        Assert.True(exit == 3, $"exit {exit}\nstdout:\n{output}\nstderr:\n{errors}");
        Assert.Contains("--yes", output);
        Assert.False((await _box.Docker.InspectAsync(_box.Container, _ct)).Running);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_fails_the_ask_with_exit_1_naming_it()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"atbt-nodaemon-{Guid.NewGuid():N}.sock");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var configuration = Configuration();
        configuration["Docker:Endpoint"] = "unix://" + socket;

        var exit = await CliApp.RunAsync(["ask", "sitrep", "alpha"], stdout, stderr, configuration);
        var all = stdout + "\n" + stderr;

        // A sitrep reports each system; the unreachable daemon shows up as that system's error, named.
        Assert.Contains("unix://" + socket, all);
        Assert.DoesNotContain("DEMO", all, StringComparison.OrdinalIgnoreCase);

        stdout = new StringWriter();
        stderr = new StringWriter();
        exit = await CliApp.RunAsync(["ask", "stop alpha", "--yes"], stdout, stderr, configuration);
        all = stdout + "\n" + stderr;
        Assert.True(exit == 1, $"exit {exit}\n{all}");
        Assert.Contains("unix://" + socket, all);
        Assert.Contains("not reachable", all);
        Assert.Contains($"stop container '{_box.Container}'", all);
    }
}
