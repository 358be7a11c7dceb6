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
    private readonly TwoDockerHosts _hosts = TwoDockerHosts.Private(hosts, "ks");
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private DockerEngineClient A => _hosts.A;

    private DockerEngineClient B => _hosts.B;

    private string Alpha => _hosts.Alpha;

    private string Bravo => _hosts.Bravo;

    private string Charlie => _hosts.Charlie;

    private string Bot => $"bot{_hosts.Run}";

    public ValueTask DisposeAsync() => _hosts.DisposeAsync();

    private Task LaunchAsync(DockerEngineClient client, string name) => _hosts.LaunchAsync(client, name, _ct);

    [Fact]
    public async Task The_killswitch_stops_configured_systems_and_launched_bots_on_every_host()
    {
        await LaunchAsync(A, Alpha);
        await LaunchAsync(A, Charlie);
        await LaunchAsync(B, Bravo);
        _hosts.Track(B, Bot);
        var (launchExit, launched) = await TwoDockerHosts.AskAsync(_hosts.Configuration(), $"/launch grid {Bot}", "--yes");
        Assert.True(launchExit == 0, $"exit {launchExit}\n{launched}");
        var bot = await B.InspectAsync(Bot, _ct);
        Assert.True(bot.Running);
        Assert.Equal("true", bot.Labels[DockerEngineClient.ManagedLabel]);

        var (exit, all) = await TwoDockerHosts.AskAsync(_hosts.Configuration(), "/killswitch CONFIRM");

        Assert.True(exit == 0, $"exit {exit}\n{all}");
        Assert.False((await A.InspectAsync(Alpha, _ct)).Running);
        Assert.False((await B.InspectAsync(Bravo, _ct)).Running);
        var after = await B.InspectAsync(Bot, _ct);
        Assert.False(after.Running);
        Assert.Equal("exited", after.State);
        Assert.Contains($"{Bot} (on b) stopped", all);
        Assert.Contains("alpha (on default) stopped", all);
        Assert.Contains("bravo (on b) stopped", all);
    }

    [Fact]
    public async Task A_killswitch_that_cannot_reach_a_host_is_a_failure_even_when_the_rest_stopped()
    {
        await LaunchAsync(A, Alpha);
        await LaunchAsync(A, Charlie);
        var dead = "unix://" + Path.Combine(Path.GetTempPath(), $"atbt-noks-{Guid.NewGuid():N}.sock");

        var (exit, all) = await TwoDockerHosts.AskAsync(_hosts.Configuration(dead), "/killswitch CONFIRM");

        Assert.True(exit == 1, $"exit {exit}\n{all}");
        Assert.False((await A.InspectAsync(Alpha, _ct)).Running);
        Assert.False((await A.InspectAsync(Charlie, _ct)).Running);
        Assert.Contains("KILLSWITCH INCOMPLETE", all);
        Assert.Contains("Stopped 2/4", all); // alpha and charlie; bravo and the launched bots of b could not be reached
        Assert.Contains($"bravo on b: Docker at host 'b' ({dead}) is not reachable", all);
    }
}
