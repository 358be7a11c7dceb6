using AiTradingBot.Cli;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// The set-up of the one-host <c>ask</c> end-to-end tests: Podman's default host (scripts/servers/podman.sh), a
/// container name and a data folder of the test's own, removed afterwards; each <c>ask</c> is a fresh host.
/// </summary>
internal sealed class OneDockerContainer : IAsyncDisposable
{
    public OneDockerContainer(string prefix)
    {
        Endpoint = Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
        Image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
        Container = $"atbt-{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 18)];
        DataDir = Path.Combine(Path.GetTempPath(), $"atbt-{prefix}-" + Guid.NewGuid().ToString("N")[..8]);
        Docker = new DockerEngineClient(new DockerOptions { Endpoint = Endpoint });
    }

    public string Endpoint { get; }

    public string Image { get; }

    /// <summary>The test's container (created by the test; removed here).</summary>
    public string Container { get; }

    public string DataDir { get; }

    public DockerEngineClient Docker { get; }

    /// <summary>Runs <c>ask</c> with these arguments on a fresh host of this configuration.</summary>
    public static async Task<(int Exit, string Out, string Err)> AskAsync(Dictionary<string, string?> configuration, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["ask", .. args], stdout, stderr, configuration);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        try { await Docker.RemoveAsync(Container, force: true, CancellationToken.None); }
        catch (ContainerRuntimeException) { /* not created */ }
        Docker.Dispose();
        if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
    }
}
