using System.Diagnostics;
using AiTradingBot.Testing;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// Two Docker hosts of a test class's own: scripts/servers/podman.sh started into a temporary folder (two separate stores
/// and API services). The killswitch stops every managed container on every host, so it must not see the shared hosts
/// that other tests (and other test projects running at the same time) launch containers on.
/// </summary>
public sealed class PrivatePodmanHosts : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "atbt-podman-" + Guid.NewGuid().ToString("N")[..8]);
    private string? _script;

    /// <summary>The default host's endpoint.</summary>
    public string EndpointA { get; private set; } = "";

    /// <summary>The second host's endpoint.</summary>
    public string EndpointB { get; private set; } = "";

    /// <inheritdoc />
    public async ValueTask InitializeAsync()
    {
        // Only where the shared Podman peer is configured (so a machine without Podman skips, or fails under ATB_REQUIRE_INTEGRATION).
        Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "AiTradingBot.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        _script = Path.Combine(root, "scripts", "servers", "podman.sh");
        await RunScriptAsync("start");
        var env = File.ReadAllLines(Path.Combine(_dir, "podman.env"))
            .Select(l => l.Replace("export ", "", StringComparison.Ordinal).Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
        EndpointA = env["ATB_TEST_DOCKER"];
        EndpointB = env["ATB_TEST_DOCKER_B"];
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_script is not null) await RunScriptAsync("stop");
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { /* podman may still hold a file for a moment */ }
        catch (UnauthorizedAccessException) { /* overlay files owned by another uid */ }
    }

    private async Task RunScriptAsync(string verb)
    {
        var psi = new ProcessStartInfo("bash", [_script!, verb]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["ATB_SERVERS_DIR"] = _dir;
        psi.Environment.Remove("CONTAINERS_CONF");
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0) throw new InvalidOperationException($"podman.sh {verb} failed ({p.ExitCode}): {await output}\n{await errors}");
    }
}
