using AiTradingBot.Cli;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// The set-up the two-host Docker end-to-end tests share: a client per host (the default host and <c>b</c>), one run's
/// container names, the configuration that puts alpha (and charlie) on the default host and bravo plus the <c>grid</c>
/// launch template on <c>b</c>, and clean-up of every container the test made. One instance per test; the hosts are either
/// the shared Podman services of scripts/servers/podman.sh or a class's own (<see cref="PrivatePodmanHosts"/>).
/// </summary>
public sealed class TwoDockerHosts : IAsyncDisposable
{
    /// <summary>A bot that prints a line every 0.2 s and exits at once on SIGTERM.</summary>
    public const string Ticks = "trap 'exit 0' TERM; i=0; while true; do echo \"tick $i\"; i=$((i+1)); sleep 0.2; done";

    private readonly List<(DockerEngineClient Client, string Name)> _made = [];

    private TwoDockerHosts(string endpointA, string endpointB, string dataPrefix)
    {
        Image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
        EndpointA = endpointA;
        EndpointB = endpointB;
        DataDir = Path.Combine(Path.GetTempPath(), $"atbt-{dataPrefix}-" + Guid.NewGuid().ToString("N")[..8]);
        A = new DockerEngineClient(new DockerOptions { Endpoint = endpointA });
        B = new DockerEngineClient(new DockerOptions { Endpoint = endpointB }, host: "b");
    }

    /// <summary>The shared Podman hosts (<c>ATB_TEST_DOCKER</c>, <c>ATB_TEST_DOCKER_B</c>); skips or fails when they are not configured.</summary>
    public static TwoDockerHosts Shared(string dataPrefix) =>
        new(Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API"),
            Integration.Require("ATB_TEST_DOCKER_B", "The second Podman API service (scripts/servers/podman.sh)"), dataPrefix);

    /// <summary>A test class's own two hosts.</summary>
    public static TwoDockerHosts Private(PrivatePodmanHosts hosts, string dataPrefix) => new(hosts.EndpointA, hosts.EndpointB, dataPrefix);

    /// <summary>The default host's endpoint (<c>Docker:Endpoint</c>).</summary>
    public string EndpointA { get; }

    /// <summary>The second host's endpoint (<c>Docker:Hosts:b:Endpoint</c>).</summary>
    public string EndpointB { get; }

    /// <summary>The busybox test image, present on both hosts.</summary>
    public string Image { get; }

    /// <summary>This test's data directory (removed on dispose).</summary>
    public string DataDir { get; }

    /// <summary>A client of the default host.</summary>
    public DockerEngineClient A { get; }

    /// <summary>A client of host <c>b</c>.</summary>
    public DockerEngineClient B { get; }

    /// <summary>A short id unique to this test, in every container name.</summary>
    public string Run { get; } = Guid.NewGuid().ToString("N")[..8];

    /// <summary>System alpha's container (default host).</summary>
    public string Alpha => $"atbt-a-{Run}";

    /// <summary>System bravo's container (host b).</summary>
    public string Bravo => $"atbt-b-{Run}";

    /// <summary>appsettings.json configures charlie too; it gets a container of the test's own on the default host.</summary>
    public string Charlie => $"atbt-c-{Run}";

    /// <summary>The assistant's configuration over both hosts; <paramref name="endpointB"/> replaces b's endpoint (a dead one, say).</summary>
    public Dictionary<string, string?> Configuration(string? endpointB = null) => new()
    {
        ["Docker:Endpoint"] = EndpointA,
        ["Docker:Hosts:b:Endpoint"] = endpointB ?? EndpointB,
        ["Systems:alpha:Container"] = Alpha,
        ["Systems:bravo:Container"] = Bravo,
        ["Systems:bravo:Host"] = "b",
        ["Systems:charlie:Container"] = Charlie,
        ["Launch:Templates:grid:Image"] = Image,
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
        ["Storage:DataDirectory"] = DataDir,
        ["Llm:Mode"] = "off",
    };

    /// <summary>Launches a ticking container (managed label, removed on dispose) on the client's host.</summary>
    public async Task LaunchAsync(DockerEngineClient client, string name, CancellationToken ct)
    {
        Track(client, name);
        await client.LaunchAsync(new LaunchRequest(name, Image, ["/bin/sh", "-c", Ticks],
            new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(10), "no"), ct);
    }

    /// <summary>Removes <paramref name="name"/> on that host on dispose (for containers the assistant itself launches).</summary>
    public void Track(DockerEngineClient client, string name) => _made.Add((client, name));

    /// <summary>Runs <c>ask</c> in process with <paramref name="configuration"/>; the exit code and everything it printed.</summary>
    public static async Task<(int Exit, string All)> AskAsync(Dictionary<string, string?> configuration, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["ask", .. args], stdout, stderr, configuration);
        return (exit, stdout + "\n" + stderr);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (client, name) in _made)
        {
            try { await client.RemoveAsync(name, force: true, CancellationToken.None); }
            catch (ContainerRuntimeException) { /* not created */ }
        }
        A.Dispose();
        B.Dispose();
        if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
    }
}
