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
    private readonly TwoDockerHosts _hosts = TwoDockerHosts.Shared("hosts");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private DockerEngineClient A => _hosts.A;

    private DockerEngineClient B => _hosts.B;

    private string Alpha => _hosts.Alpha;

    private string Bravo => _hosts.Bravo;

    public ValueTask DisposeAsync() => _hosts.DisposeAsync();

    private Task LaunchAsync(DockerEngineClient client, string name) => _hosts.LaunchAsync(client, name, _ct);

    [Fact]
    public async Task A_sitrep_across_two_hosts_names_every_system_with_its_host()
    {
        await LaunchAsync(A, Alpha);
        await LaunchAsync(B, Bravo);

        var (exit, all) = await TwoDockerHosts.AskAsync(_hosts.Configuration(), "/sitrep");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        Assert.Contains($"alpha ({Alpha} on default) running", all);
        Assert.Contains($"bravo ({Bravo} on b) running", all);
    }

    [Fact]
    public async Task Stopping_a_system_on_the_second_host_stops_it_there_and_leaves_the_first_alone()
    {
        await LaunchAsync(A, Alpha);
        await LaunchAsync(B, Bravo);

        var (exit, all) = await TwoDockerHosts.AskAsync(_hosts.Configuration(), "stop bravo", "--yes");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        Assert.Contains($"bravo ({Bravo} on b) stopped", all);
        Assert.False((await B.InspectAsync(Bravo, _ct)).Running);
        Assert.True((await A.InspectAsync(Alpha, _ct)).Running);
        // The same name does not exist on the other host: the stop really went to b.
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => A.InspectAsync(Bravo, _ct));
    }

    [Fact]
    public async Task One_host_down_is_reported_per_host_without_hiding_the_other()
    {
        await LaunchAsync(A, Alpha);
        var dead = "unix://" + Path.Combine(Path.GetTempPath(), $"atbt-nohost-{Guid.NewGuid():N}.sock");

        var (exit, all) = await TwoDockerHosts.AskAsync(_hosts.Configuration(dead), "/sitrep");

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
        var configuration = _hosts.Configuration(deadB);
        configuration["Docker:Endpoint"] = deadA;

        var (exit, all) = await TwoDockerHosts.AskAsync(configuration, "/sitrep");

        Assert.True(exit == 1, $"exit {exit}\n{all}");
        Assert.Contains(deadA, all);
        Assert.Contains($"host 'b' ({deadB})", all);
        Assert.DoesNotContain("DEMO", all, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_bot_launched_on_the_second_host_from_its_template_is_removed_there()
    {
        var bot = $"rm{_hosts.Run}";
        _hosts.Track(B, bot);
        var (launchExit, launched) = await TwoDockerHosts.AskAsync(_hosts.Configuration(), $"/launch grid {bot}", "--yes");
        Assert.True(launchExit == 0, $"exit {launchExit}\n{launched}");
        var info = await B.InspectAsync(bot, _ct);
        Assert.True(info.Running);
        Assert.Equal("true", info.Labels[DockerEngineClient.ManagedLabel]);
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => A.InspectAsync(bot, _ct));

        var (exit, all) = await TwoDockerHosts.AskAsync(_hosts.Configuration(), $"/remove {bot}", "--yes");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => B.InspectAsync(bot, _ct));
    }
}
