using AiTradingBot.Cli;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// <c>ask</c> end to end over two Docker hosts: the two separate Podman stores and API services of scripts/servers/podman.sh
/// (<c>Docker:Endpoint</c> is the host <c>default</c>, <c>Docker:Hosts:b:Endpoint</c> the second). System alpha lives on the
/// default host, bravo on <c>b</c>; each test makes its own containers.
/// </summary>
public sealed class DockerHostsEndToEndTests : IAsyncDisposable
{
    private const string Ticks = "trap 'exit 0' TERM; i=0; while true; do echo \"tick $i\"; i=$((i+1)); sleep 0.2; done";
    private readonly string _endpointA = Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
    private readonly string _endpointB = Integration.Require("ATB_TEST_DOCKER_B", "The second Podman API service (scripts/servers/podman.sh)");
    private readonly string _image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "atbt-hosts-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly DockerEngineClient _a;
    private readonly DockerEngineClient _b;
    private readonly List<(DockerEngineClient Client, string Name)> _made = [];
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public DockerHostsEndToEndTests()
    {
        _a = new DockerEngineClient(new DockerOptions { Endpoint = _endpointA });
        _b = new DockerEngineClient(new DockerOptions { Endpoint = _endpointB }, host: "b");
    }

    private string Alpha => $"atbt-a-{_run}";

    private string Bravo => $"atbt-b-{_run}";

    // appsettings.json configures charlie too; give it a container of the test's own on the default host.
    private string Charlie => $"atbt-c-{_run}";

    public async ValueTask DisposeAsync()
    {
        foreach (var (client, name) in _made)
        {
            try { await client.RemoveAsync(name, force: true, CancellationToken.None); }
            catch (ContainerRuntimeException) { /* not created */ }
        }
        _a.Dispose();
        _b.Dispose();
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private Dictionary<string, string?> Configuration(string? endpointB = null) => new()
    {
        ["Docker:Endpoint"] = _endpointA,
        ["Docker:Hosts:b:Endpoint"] = endpointB ?? _endpointB,
        ["Systems:alpha:Container"] = Alpha,
        ["Systems:bravo:Container"] = Bravo,
        ["Systems:bravo:Host"] = "b",
        ["Systems:charlie:Container"] = Charlie,
        ["Launch:Templates:grid:Image"] = _image,
        ["Launch:Templates:grid:Command:0"] = "/bin/sh",
        ["Launch:Templates:grid:Command:1"] = "-c",
        ["Launch:Templates:grid:Command:2"] = Ticks,
        ["Launch:Templates:grid:Host"] = "b",
        ["Launch:Templates:grid:MemoryMb"] = "64",
        ["Launch:Templates:grid:Cpus"] = "0.5",
        ["Launch:Templates:grid:StopTimeoutSeconds"] = "5",
        ["Launch:Templates:grid:RestartPolicy"] = "no",
        ["Assistant:StopTimeoutSeconds"] = "10",
        ["Storage:Ephemeral"] = "true",
        ["Storage:DataDirectory"] = _dataDir,
        ["Llm:Mode"] = "off",
    };

    private async Task LaunchAsync(DockerEngineClient client, string name)
    {
        _made.Add((client, name));
        await client.LaunchAsync(new LaunchRequest(name, _image, ["/bin/sh", "-c", Ticks],
            new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(10), "no"), _ct);
    }

    private static async Task<(int Exit, string All)> AskAsync(Dictionary<string, string?> configuration, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["ask", .. args], stdout, stderr, configuration);
        return (exit, stdout + "\n" + stderr);
    }

    [Fact]
    public async Task A_sitrep_across_two_hosts_names_every_system_with_its_host()
    {
        await LaunchAsync(_a, Alpha);
        await LaunchAsync(_b, Bravo);

        var (exit, all) = await AskAsync(Configuration(), "/sitrep");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        Assert.Contains($"alpha ({Alpha} on default) running", all);
        Assert.Contains($"bravo ({Bravo} on b) running", all);
    }

    [Fact]
    public async Task Stopping_a_system_on_the_second_host_stops_it_there_and_leaves_the_first_alone()
    {
        await LaunchAsync(_a, Alpha);
        await LaunchAsync(_b, Bravo);

        var (exit, all) = await AskAsync(Configuration(), "stop bravo", "--yes");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        Assert.Contains($"bravo ({Bravo} on b) stopped", all);
        Assert.False((await _b.InspectAsync(Bravo, _ct)).Running);
        Assert.True((await _a.InspectAsync(Alpha, _ct)).Running);
        // The same name does not exist on the other host: the stop really went to b.
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => _a.InspectAsync(Bravo, _ct));
    }

    [Fact]
    public async Task One_host_down_is_reported_per_host_without_hiding_the_other()
    {
        await LaunchAsync(_a, Alpha);
        var dead = "unix://" + Path.Combine(Path.GetTempPath(), $"atbt-nohost-{Guid.NewGuid():N}.sock");

        var (exit, all) = await AskAsync(Configuration(dead), "/sitrep");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        Assert.Contains($"alpha ({Alpha} on default) running", all);
        Assert.Contains($"bravo ({Bravo} on b): Docker at host 'b' ({dead}) is not reachable", all);
        Assert.Contains("Docker:Hosts:b:Endpoint", all);
    }

    [Fact]
    public async Task Every_host_down_fails_the_ask_with_exit_1_naming_each_host_and_endpoint()
    {
        var deadA = "unix://" + Path.Combine(Path.GetTempPath(), $"atbt-noa-{Guid.NewGuid():N}.sock");
        var deadB = "unix://" + Path.Combine(Path.GetTempPath(), $"atbt-nob-{Guid.NewGuid():N}.sock");
        var configuration = Configuration(deadB);
        configuration["Docker:Endpoint"] = deadA;

        var (exit, all) = await AskAsync(configuration, "/sitrep");

        Assert.True(exit == 1, $"exit {exit}\n{all}");
        Assert.Contains(deadA, all);
        Assert.Contains($"host 'b' ({deadB})", all);
        Assert.DoesNotContain("DEMO", all, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_bot_launched_on_the_second_host_from_its_template_is_removed_there()
    {
        var bot = $"rm{_run}";
        _made.Add((_b, bot));
        var (launchExit, launched) = await AskAsync(Configuration(), $"/launch grid {bot}", "--yes");
        Assert.True(launchExit == 0, $"exit {launchExit}\n{launched}");
        var info = await _b.InspectAsync(bot, _ct);
        Assert.True(info.Running);
        Assert.Equal("true", info.Labels[DockerEngineClient.ManagedLabel]);
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => _a.InspectAsync(bot, _ct));

        var (exit, all) = await AskAsync(Configuration(), $"/remove {bot}", "--yes");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => _b.InspectAsync(bot, _ct));
    }
}
