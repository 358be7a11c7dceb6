using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Ports;
using AiTradingBot.Telegram.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Integration;

/// <summary>
/// "Cards everywhere are one card", against telegram-test-api with the real core: a card asked for in a Telegram group
/// is confirmed through the core by the same person from the web channel (as the web channel presents a user signed
/// in with their /web link), and the emulator shows the card edited to the result.
/// </summary>
public sealed class CrossChannelCardTests
{
    private const long Admin = TelegramTestHost.Admin;
    private const long OtherAdmin = 1002;
    private const long Group = -4001;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Emulator() => AiTradingBot.Testing.Integration.Require("ATB_TEST_TELEGRAM", "The Telegram Bot API emulator (telegram-test-api)");

    // What WebUsers makes of a Telegram sign-in (the web project is not referenced here; the key is the core's).
    private static Principal OnTheWeb(long telegramId, string name) =>
        new(telegramId.ToString(System.Globalization.CultureInfo.InvariantCulture), name, UserRole.Admin) { Identity = UserKeys.Telegram(telegramId) };

    private static Task<AssistantReply> ConfirmOnTheWebAsync(TelegramTestHost host, Principal user, string id) =>
        host.Services.GetRequiredService<IAssistant>().ConfirmAsync(new ConfirmationRequest("web", user.UserId, user, id), Ct);

    [Fact]
    public async Task A_group_card_confirmed_on_the_web_by_the_asker_is_edited_on_telegram_and_refused_for_anyone_else()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit,
            settings: new Dictionary<string, string?> { ["Telegram:AdminIds:1"] = OtherAdmin.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "stop alpha", chatId: Group);
        var card = (await user.WaitAsync(Group, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
        var id = card.Buttons[0]["c:".Length..];

        // Another admin, signed in on the web: 403-worthy, the card stays as it is and alpha keeps running.
        var other = await ConfirmOnTheWebAsync(host, OnTheWeb(OtherAdmin, "bob"), id);
        Assert.Equal(ReplyKind.NotYours, other.Kind);
        Assert.True((await host.Services.GetRequiredService<IContainerRuntime>().InspectAsync("shortseller_trading", Ct)).Running);

        // The asker on the web: the result goes to the web caller ...
        var done = await ConfirmOnTheWebAsync(host, OnTheWeb(Admin, "admin"), id);
        Assert.Equal(ReplyKind.Done, done.Kind);
        Assert.False((await host.Services.GetRequiredService<IContainerRuntime>().InspectAsync("shortseller_trading", Ct)).Running);

        // ... and the Telegram card in the group becomes the result, without buttons.
        var edited = (await user.WaitAsync(Group, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Confirmed")), Ct))
            .Single(x => x.MessageId == card.MessageId);
        Assert.Contains("on the web", edited.Text);
        Assert.Contains("stopped", edited.Text);
        Assert.Empty(edited.Buttons);
        TelegramHtmlAssert.Valid(edited.Text);

        // Single use across channels: pressing the old button now is "already done", nothing runs twice.
        Assert.Equal(ReplyKind.AlreadyHandled, (await ConfirmOnTheWebAsync(host, OnTheWeb(Admin, "admin"), id)).Kind);
        var records = await audit.ReadRecentAsync(50, Ct);
        var confirmed = Assert.Single(records, r => r.Decision == AuditDecision.Confirmed);
        Assert.Equal(("1001", "web"), (confirmed.UserId, confirmed.Channel));
    }

    [Fact]
    public async Task A_group_card_cancelled_on_the_web_says_cancelled_on_telegram()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "restart bravo", chatId: Group);
        var card = (await user.WaitAsync(Group, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
        var web = OnTheWeb(Admin, "admin");

        var cancelled = await host.Services.GetRequiredService<IAssistant>().CancelAsync(new ConfirmationRequest("web", web.UserId, web, card.Buttons[0]["c:".Length..]), Ct);

        Assert.Equal(ReplyKind.Cancelled, cancelled.Kind);
        var edited = (await user.WaitAsync(Group, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Cancelled")), Ct))
            .Single(x => x.MessageId == card.MessageId);
        Assert.Contains("on the web", edited.Text);
        Assert.Empty(edited.Buttons);
    }
}
