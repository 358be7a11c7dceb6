using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Tests.Support;
using Xunit;

namespace AiTradingBot.Core.Tests.Assistant;

public sealed class LaunchTests : IAsyncLifetime
{
    private CoreTestHost _host = null!;

    public ValueTask InitializeAsync()
    {
        _host = new CoreTestHost(new Dictionary<string, string?>
        {
            ["Launch:Templates:grid:Image"] = "localhost/tbot:1",
            ["Launch:Templates:grid:Environment:STRATEGY"] = "grid-{symbol}",
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Launching_a_bot_is_gated_and_creates_a_managed_container()
    {
        var reply = await _host.SayAsync("/launch grid delta btc");
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
        Assert.Equal(new SystemLaunchArgs("grid", "delta", "BTCUSDT"), reply.Card!.Steps[0].Args);
        var done = await _host.ConfirmAsync(reply.Card.Id);
        var launched = Assert.IsType<LaunchResult>(done.Outcome!.Steps[0].Result);
        Assert.Equal("delta", launched.Container.Name);
        Assert.True((await _host.Runtime.InspectAsync("delta", CancellationToken.None)).Running);
    }

    [Fact]
    public async Task Removing_is_gated_and_only_for_launched_containers()
    {
        await _host.ConfirmAsync((await _host.SayAsync("/launch grid delta")).Card!.Id);
        Assert.Null(await _host.Get<IKeyValueStore>().GetAsync(ContainerHosts.ExpectedChangeKey(ContainerHosts.Default, "delta"), CancellationToken.None));
        var remove = await _host.ConfirmAsync((await _host.SayAsync("/remove delta")).Card!.Id);
        Assert.IsType<RemoveResult>(remove.Outcome!.Steps[0].Result);
        // The removal kills the bot: marked as the assistant's own change, so the container watch does not call it unexpected.
        Assert.NotNull(await _host.Get<IKeyValueStore>().GetAsync(ContainerHosts.ExpectedChangeKey(ContainerHosts.Default, "delta"), CancellationToken.None));

        // Validation refuses a configured system before any card (issue 13: every catalog action is validated).
        var configured = await _host.SayAsync("/remove shortseller_trading");
        Assert.Equal(ReplyKind.Refused, configured.Kind);
        Assert.Null(configured.Card);
        Assert.Contains(configured.Messages, m => m.Contains("is a configured system", StringComparison.Ordinal));
        Assert.True((await _host.Runtime.InspectAsync("shortseller_trading", CancellationToken.None)).Running);
    }

    [Fact]
    public async Task An_unknown_template_is_named_with_the_configured_ones()
    {
        var refused = await _host.SayAsync("/launch scalper epsilon");
        Assert.Equal(ReplyKind.Refused, refused.Kind);
        Assert.Contains(refused.Messages, m => m.Contains("Configured: grid", StringComparison.Ordinal));
    }
}

public sealed class ReportLabelTests
{
    [Fact]
    public async Task Reports_about_demo_systems_say_so()
    {
        await using var host = new CoreTestHost();
        var reply = await host.SayAsync("/report sitrep");
        var report = Assert.IsType<ReportResult>(reply.Outcome!.Steps[0].Result);
        Assert.Contains("DEMO", report.Text);
        Assert.Contains("DEMO", report.Html);
    }
}
