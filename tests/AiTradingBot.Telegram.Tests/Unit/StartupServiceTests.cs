using AiTradingBot.Telegram.Tests.Support;
using AiTradingBot.Telegram.Updates;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class StartupServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Polling_mode_checks_the_token_publishes_the_command_menu_and_removes_a_webhook()
    {
        using var h = new ChannelHarness();
        var startup = h.Get<TelegramStartupService>();

        await startup.StartAsync(Ct);
        await startup.Ready.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await startup.StopAsync(Ct);

        Assert.Equal("TestBot", h.Get<TelegramBotIdentity>().Username);
        var commands = h.Api.CallsOf("setMyCommands").Single()!["commands"]!.AsArray().Select(c => c!["command"]!.GetValue<string>()).ToList();
        Assert.Contains("sitrep", commands);
        Assert.Contains("killswitch", commands);
        Assert.Equal("cc", commands[^1]);
        Assert.Single(h.Api.CallsOf("deleteWebhook"));
        Assert.Empty(h.Api.CallsOf("setWebhook"));
    }

    [Fact]
    public async Task Webhook_mode_sets_the_webhook_with_its_secret()
    {
        using var h = new ChannelHarness(new Dictionary<string, string?>
        {
            ["Telegram:Mode"] = "webhook",
            ["Telegram:WebhookUrl"] = "https://bot.example.com/telegram/webhook",
            ["Telegram:WebhookSecret"] = "s3cret",
        });
        var startup = h.Get<TelegramStartupService>();

        await startup.StartAsync(Ct);
        await startup.Ready.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await startup.StopAsync(Ct);

        var call = h.Api.CallsOf("setWebhook").Single()!;
        Assert.Equal("https://bot.example.com/telegram/webhook", call["url"]!.GetValue<string>());
        Assert.Equal("s3cret", call["secret_token"]!.GetValue<string>());
        Assert.Empty(h.Api.CallsOf("deleteWebhook"));
    }

    [Fact]
    public async Task A_failing_command_menu_does_not_stop_the_start()
    {
        using var h = new ChannelHarness();
        h.Api.EnqueueError("setMyCommands", 400, "Bad Request: bad command");
        var startup = h.Get<TelegramStartupService>();

        await startup.StartAsync(Ct);
        await startup.Ready.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await startup.StopAsync(Ct);

        Assert.Single(h.Api.CallsOf("deleteWebhook"));
    }
}
