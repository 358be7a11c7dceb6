using System.Text.Json;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;
using AiTradingBot.Web.Tests.Support;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary>
/// The Host column over two real Podman hosts (scripts/servers/podman.sh): alpha on the default host, bravo on host
/// <c>b</c>; <c>GET /api/v1/systems</c> names each system's host (the table renders the same field: SystemsTableTests).
/// </summary>
public sealed class SystemHostsApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_system_names_the_docker_host_it_runs_on()
    {
        var endpointA = Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
        var endpointB = Integration.Require("ATB_TEST_DOCKER_B", "The second Podman API service (scripts/servers/podman.sh)");
        var image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
        var run = Guid.NewGuid().ToString("N")[..8];
        using var a = new DockerEngineClient(new DockerOptions { Endpoint = endpointA });
        using var b = new DockerEngineClient(new DockerOptions { Endpoint = endpointB }, host: "b");
        var made = new List<(DockerEngineClient Client, string Name)> { (a, $"atbt-wha-{run}"), (b, $"atbt-whb-{run}") };
        try
        {
            foreach (var (client, name) in made)
                await client.LaunchAsync(new LaunchRequest(name, image, ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
                    new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(2), "no"), Ct);
            await using var host = await TestHost.StartAsync(new Dictionary<string, string?>
            {
                ["Docker:Endpoint"] = endpointA,
                ["Docker:Hosts:b:Endpoint"] = endpointB,
                ["Systems:alpha:Container"] = made[0].Name,
                ["Systems:bravo:Container"] = made[1].Name,
                ["Systems:bravo:Host"] = "b",
            });
            using var viewer = host.Client("watch");
            var systems = JsonDocument.Parse(await viewer.GetStringAsync("/api/v1/systems", Ct)).RootElement.EnumerateArray()
                .ToDictionary(s => s.GetProperty("name").GetString()!, s => (Host: s.GetProperty("host").GetString(), Running: s.GetProperty("running").GetBoolean()));

            Assert.Equal(("default", true), systems["alpha"]);
            Assert.Equal(("b", true), systems["bravo"]);
        }
        finally
        {
            foreach (var (client, name) in made)
            {
                try { await client.RemoveAsync(name, force: true, CancellationToken.None); }
                catch (ContainerRuntimeException) { }
            }
        }
    }
}
