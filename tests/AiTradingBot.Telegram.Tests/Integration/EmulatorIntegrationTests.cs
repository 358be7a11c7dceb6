using AiTradingBot.Core.Audit;
using AiTradingBot.Telegram.Tests.Support;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Integration;

/// <summary>
/// The whole channel against telegram-test-api 4.2.1 (scripts/servers/telegram.sh) with the real core, the paper
/// exchange and the demo systems. Each test uses its own bot token, so they share the emulator safely.
/// </summary>
public sealed class EmulatorIntegrationTests
{
    private const long Admin = TelegramTestHost.Admin;
    private const long Stranger = TelegramTestHost.Stranger;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Emulator() => AiTradingBot.Testing.Integration.Require("ATB_TEST_TELEGRAM", "The Telegram Bot API emulator (telegram-test-api)");

    [Fact]
    public async Task Sitrep_is_answered_with_the_systems()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "/sitrep");

        var messages = await user.WaitAsync(Admin, m => m.Any(x => x.Text.Contains("SITREP")), Ct);
        var sitrep = messages.Single(x => x.Text.Contains("SITREP"));
        Assert.Contains("alpha", sitrep.Text);
        Assert.Contains("<b>", sitrep.Text); // sent as HTML
        Assert.Empty(sitrep.Buttons);
    }

    [Fact]
    public async Task A_free_text_plan_waits_for_the_button_and_the_card_is_edited_into_the_result()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "stop alpha");
        var card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
        Assert.Contains("CONFIRM", card.Text);
        Assert.Contains("PAPER", card.Text);
        Assert.Contains("TERMINATE", card.Text);
        Assert.DoesNotContain(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed);

        await user.PressAsync(Admin, card, card.Buttons[0]);

        // getUpdatesHistory shows the edited message: same message id, new text, no buttons.
        var edited = (await user.WaitAsync(Admin, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Confirmed")), Ct))
            .Single(x => x.MessageId == card.MessageId);
        Assert.Contains("stopped", edited.Text);
        Assert.Empty(edited.Buttons);
        Assert.Single(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed && r.UserId == "1001");
    }

    [Fact]
    public async Task A_stranger_is_denied_nothing_is_revealed_and_the_attempt_is_audited()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Stranger, "/sitrep");

        var reply = (await user.WaitAsync(Stranger, m => m.Count > 0, Ct)).Single();
        Assert.Equal("<b>ACCESS DENIED</b>", reply.Text);
        var record = Assert.Single(await audit.ReadRecentAsync(50, Ct), r => r.UserId == "6666");
        Assert.Equal(AuditDecision.Refused, record.Decision);
        Assert.Equal("user6666", record.UserName);
        Assert.Equal("/sitrep", record.Text);
    }

    [Fact]
    public async Task A_stranger_pressing_the_admins_confirm_is_denied_and_the_card_still_works_for_the_admin()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "/terminate alpha");
        var card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);

        await user.PressAsync(Stranger, card, card.Buttons[0]);
        await WaitForAuditAsync(audit, r => r.UserId == "6666");

        var afterStranger = (await user.BotMessagesAsync(Admin, Ct)).Single(x => x.MessageId == card.MessageId);
        Assert.Equal(card.Text, afterStranger.Text);
        Assert.Equal(2, afterStranger.Buttons.Count);
        Assert.Equal(AuditDecision.Refused, (await audit.ReadRecentAsync(50, Ct)).Single(r => r.UserId == "6666").Decision);
        Assert.DoesNotContain(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed);

        await user.PressAsync(Admin, card, card.Buttons[0]);
        await user.WaitAsync(Admin, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Confirmed")), Ct);
    }

    [Fact]
    public async Task A_double_press_runs_once_and_says_already_done()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "/reboot bravo");
        var card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);

        await user.PressAsync(Admin, card, card.Buttons[0]);
        await user.PressAsync(Admin, card, card.Buttons[0]);

        await user.WaitAsync(Admin, m => m.Any(x => x.Text.Contains("already handled")) && m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Confirmed")), Ct);
        Assert.Single(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed);
    }

    [Fact]
    public async Task An_expired_card_says_send_the_command_again_and_runs_nothing()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var time = new ShiftedTimeProvider();
        var (store, audit) = TelegramTestHost.SharedState(time);
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit, time,
            new Dictionary<string, string?> { ["Assistant:ConfirmationTtl"] = "00:00:30" });
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "/terminate alpha");
        var card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
        time.Advance(TimeSpan.FromSeconds(31));
        await user.PressAsync(Admin, card, card.Buttons[0]);

        var expired = (await user.WaitAsync(Admin, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Expired")), Ct)).Single(x => x.MessageId == card.MessageId);
        Assert.Contains("Send the command again", expired.Text);
        Assert.Empty(expired.Buttons);
        Assert.DoesNotContain(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed);
        Assert.Contains(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Expired);
    }

    [Fact]
    public async Task Cancel_edits_the_card_to_cancelled()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "/terminate alpha");
        var card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
        await user.PressAsync(Admin, card, card.Buttons[1]);

        await user.WaitAsync(Admin, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Cancelled") && x.Buttons.Count == 0), Ct);
        Assert.Contains(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Cancelled);
    }

    [Fact]
    public async Task A_restart_between_the_message_and_the_press_still_confirms_on_the_new_instance()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        using var user = new EmulatorClient(url, token);

        EmulatorClient.BotMessage card;
        await using (var first = await TelegramTestHost.StartAsync(url, token, store, audit))
        {
            await user.SendTextAsync(Admin, "/terminate alpha");
            card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
            await first.StopAsync();
        }

        await user.PressAsync(Admin, card, card.Buttons[0]);
        await using var second = await TelegramTestHost.StartAsync(url, token, store, audit);

        await user.WaitAsync(Admin, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Confirmed")), Ct);
        Assert.Single(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed);
    }

    [Fact]
    public async Task The_offset_is_persisted_so_a_restart_handles_each_update_once()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        using var user = new EmulatorClient(url, token);

        string offsetKey;
        await using (var first = await TelegramTestHost.StartAsync(url, token, store, audit))
        {
            offsetKey = first.OffsetKey;
            await user.SendTextAsync(Admin, "/balance");
            await user.WaitAsync(Admin, m => m.Any(x => x.Text.Contains("Balance")), Ct);
            await WaitForAsync(async () => await store.GetAsync(offsetKey, Ct) is not null);
            await first.StopAsync();
        }
        var handled = await user.UpdateIdOfAsync("/balance", Ct);
        Assert.Equal((handled + 1).ToString(), await store.GetAsync(offsetKey, Ct));

        await user.SendTextAsync(Admin, "/pnl"); // arrives while no instance runs
        await using var second = await TelegramTestHost.StartAsync(url, token, store, audit);

        await user.WaitAsync(Admin, m => m.Any(x => x.Text.Contains("PnL")), Ct);
        await WaitForAsync(async () => await store.GetAsync(offsetKey, Ct) == ((await user.UpdateIdOfAsync("/pnl", Ct)) + 1).ToString());
        var records = await audit.ReadRecentAsync(50, Ct);
        Assert.Single(records, r => r.Text == "/balance");
        Assert.Single(records, r => r.Text == "/pnl");
    }

    [Fact]
    public async Task The_main_menu_buttons_send_commands_through_the_core()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "/cc");
        var menu = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 5), Ct)).Single(x => x.Buttons.Count == 5);
        await user.PressAsync(Admin, menu, "m:killswitch");

        var card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
        Assert.Contains("KILLSWITCH", card.Text);
        Assert.Contains(await audit.ReadRecentAsync(50, Ct), r => r.Text == "/killswitch" && r.Decision == AuditDecision.Awaiting);
    }

    private static Task WaitForAuditAsync(Core.InProcess.InMemoryAuditLog audit, Func<AuditRecord, bool> match) =>
        WaitForAsync(async () => (await audit.ReadRecentAsync(100, CancellationToken.None)).Any(match));

    private static async Task WaitForAsync(Func<Task<bool>> condition, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met in time.");
            await Task.Delay(100, Ct);
        }
    }
}
