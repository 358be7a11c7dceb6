using System.Diagnostics;
using AiTradingBot.Core.Containers;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Docker.Tests;

/// <summary>
/// The daemon going away mid-run. Uses a second, private Podman API service over the same store (so the shared one that
/// other tests use keeps running), and kills it while a stop is in flight.
/// </summary>
public sealed class DockerDaemonLossTests : IAsyncDisposable
{
    private readonly PodmanPeer _peer = PodmanPeer.Require();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private Process? _service;

    public async ValueTask DisposeAsync()
    {
        if (_service is { HasExited: false }) _service.Kill();
        _service?.Dispose();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task The_daemon_stopped_mid_run_is_reported_as_unavailable_naming_the_endpoint()
    {
        var conf = Integration.Require("ATB_TEST_PODMAN_CONTAINERS_CONF", "Podman's containers.conf");
        var root = Integration.Require("ATB_TEST_PODMAN_ROOT", "Podman's storage root");
        var runroot = Integration.Require("ATB_TEST_PODMAN_RUNROOT", "Podman's run root");
        var socket = Path.Combine(Path.GetTempPath(), $"atbt-podman-{Guid.NewGuid():N}.sock");
        var endpoint = "unix://" + socket;

        var psi = new ProcessStartInfo("podman", ["--root", root, "--runroot", runroot, "system", "service", "--time=0", endpoint])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.Environment["CONTAINERS_CONF"] = conf;
        _service = Process.Start(psi)!;
        _service.OutputDataReceived += (_, _) => { };
        _service.ErrorDataReceived += (_, _) => { };
        _service.BeginOutputReadLine();
        _service.BeginErrorReadLine();
        for (var i = 0; i < 100 && !DockerSocketProbe.Answers(socket, TimeSpan.FromMilliseconds(500)); i++) await Task.Delay(100, _ct);
        Assert.True(DockerSocketProbe.Answers(socket, TimeSpan.FromSeconds(1)), "the private podman service did not start");

        var name = await _peer.RunAsync("loss", "trap '' TERM; while true; do sleep 0.1; done", ct: _ct);
        using var client = new DockerEngineClient(new DockerOptions { Endpoint = endpoint });
        Assert.True((await client.InspectAsync(name, _ct)).Running);

        // A stop that would wait out a 20 s grace period; the daemon dies after one second of it.
        var stop = client.StopAsync(name, TimeSpan.FromSeconds(20), _ct);
        await Task.Delay(1000, _ct);
        _service.Kill();
        await _service.WaitForExitAsync(_ct);

        var midRun = await Assert.ThrowsAsync<ContainerRuntimeUnavailableException>(() => stop);
        Assert.Contains(endpoint, midRun.Message);
        Assert.Contains("not reachable", midRun.Message);

        var after = await Assert.ThrowsAsync<ContainerRuntimeUnavailableException>(() => client.InspectAsync(name, _ct));
        Assert.Contains(endpoint, after.Message);
        Assert.Contains("Docker:Endpoint", after.Message);
        File.Delete(socket);
    }
}
