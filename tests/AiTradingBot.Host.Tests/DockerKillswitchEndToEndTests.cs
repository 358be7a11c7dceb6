using AiTradingBot.Cli;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// The killswitch end to end over two Docker hosts of this class's own (<see cref="PrivatePodmanHosts"/>): it stops the
/// configured trading systems and every container the assistant launched, on every host, and a host it cannot reach
/// makes it fail.
/// </summary>
public sealed class DockerKillswitchEndToEndTests(PrivatePodmanHosts hosts) : IClassFixture<PrivatePodmanHosts>, IAsyncDisposable
{
    private const string Ticks = "trap 'exit 0' TERM; i=0; while true; do echo \"tick $i\"; i=$((i+1)); sleep 0.2; done";
    private readonly string _image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "atbt-ks-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly DockerEngineClient _a = new(new DockerOptions { Endpoint = hosts.EndpointA });
    private readonly DockerEngineClient _b = new(new DockerOptions { Endpoint = hosts.EndpointB }, host: "b");
    private readonly List<(DockerEngineClient Client, string Name)> _made = [];
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private string EndpointA => hosts.EndpointA;

    private string Alpha => $"atbt-a-{_run}";

    private string Bravo => $"atbt-b-{_run}";

    private string Bot => $"bot{_run}";

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
        ["Docker:Endpoint"] = EndpointA,
        ["Docker:Hosts:b:Endpoint"] = endpointB ?? hosts.EndpointB,
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
    public async Task The_killswitch_stops_configured_systems_and_launched_bots_on_every_host()
    {
        await LaunchAsync(_a, Alpha);
        await LaunchAsync(_a, Charlie);
        await LaunchAsync(_b, Bravo);
        _made.Add((_b, Bot));
        var (launchExit, launched) = await AskAsync(Configuration(), $"/launch grid {Bot}", "--yes");
        Assert.True(launchExit == 0, $"exit {launchExit}\n{launched}");
        var bot = await _b.InspectAsync(Bot, _ct);
        Assert.True(bot.Running);
        Assert.Equal("true", bot.Labels[DockerEngineClient.ManagedLabel]);

        var (exit, all) = await AskAsync(Configuration(), "/killswitch CONFIRM");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        Assert.False((await _a.InspectAsync(Alpha, _ct)).Running);
        Assert.False((await _b.InspectAsync(Bravo, _ct)).Running);
        var after = await _b.InspectAsync(Bot, _ct);
        Assert.False(after.Running);
        Assert.Equal("exited", after.State);
        Assert.Contains($"{Bot} (on b) stopped", all);
        Assert.Contains("alpha (on default) stopped", all);
        Assert.Contains("bravo (on b) stopped", all);
    }

    [Fact]
    public async Task A_killswitch_that_cannot_reach_a_host_is_a_failure_even_when_the_rest_stopped()
    {
        await LaunchAsync(_a, Alpha);
        await LaunchAsync(_a, Charlie);
        var dead = "unix://" + Path.Combine(Path.GetTempPath(), $"atbt-noks-{Guid.NewGuid():N}.sock");

        var (exit, all) = await AskAsync(Configuration(dead), "/killswitch CONFIRM");

        Assert.True(exit == 1, $"exit {exit}\n{all}");
        Assert.False((await _a.InspectAsync(Alpha, _ct)).Running);
        Assert.False((await _a.InspectAsync(Charlie, _ct)).Running);
        Assert.Contains("KILLSWITCH INCOMPLETE", all);
        Assert.Contains("Stopped 2/4", all); // alpha and charlie; bravo and the launched bots of b could not be reached
        Assert.Contains($"bravo on b: Docker at host 'b' ({dead}) is not reachable", all);
    }
}
