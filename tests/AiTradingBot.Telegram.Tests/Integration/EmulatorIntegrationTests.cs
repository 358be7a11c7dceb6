using System.Diagnostics;
using AiTradingBot.Core.Audit;
using AiTradingBot.Telegram.Sending;
using AiTradingBot.Telegram.Tests.Support;
using AiTradingBot.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Integration;

/// <summary>
/// The whole channel against telegram-test-api 4.2.1 (scripts/servers/telegram.sh) with the real core, the paper
/// exchange and the demo systems, Telegram.Bot talking to it through <see cref="TelegramEmulatorShim"/> as to the real
/// Bot API. Each test uses its own bot token, so they share the emulator safely.
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
        foreach (var system in new[] { "alpha", "bravo", "charlie", "database", "cache" }) Assert.Contains(system, sitrep.Text);
        Assert.Contains("<b>", sitrep.Text); // sent as HTML
        TelegramHtmlAssert.Valid(sitrep.Text);
        Assert.Empty(sitrep.Buttons);
    }

    [Fact]
    public async Task Start_up_publishes_the_command_menu_generated_from_the_catalog()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        var shim = TelegramEmulatorShim.For(url, token);

        await WaitForAsync(() => Task.FromResult(shim.Calls.Any(c => c.Method == "setMyCommands")));

        var commands = shim.Calls.First(c => c.Method == "setMyCommands").Body["commands"]!.AsArray().Select(c => c!["command"]!.GetValue<string>()).ToList();
        Assert.Equal(Updates.BotCommandMenu.Build().Select(c => c.Command), commands);
        Assert.Contains("sitrep", commands);
        Assert.Contains("web", commands); // dashboard.link: a sign-in link for the web dashboard
    }

    [Fact]
    public async Task Stop_alpha_and_show_me_the_last_5_lines_confirms_then_stops_and_the_lines_arrive()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        using var user = new EmulatorClient(url, token);

        await user.SendTextAsync(Admin, "stop alpha and show me the last 5 lines");
        var card = (await user.WaitAsync(Admin, m => m.Any(x => x.Buttons.Count == 2), Ct)).Single(x => x.Buttons.Count == 2);
        Assert.Contains("CONFIRM", card.Text);
        Assert.StartsWith("c:", card.Buttons[0]);
        Assert.Contains("alpha", card.Text);
        Assert.DoesNotContain(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed);

        await user.PressAsync(Admin, card, card.Buttons[0]);

        var edited = (await user.WaitAsync(Admin, m => m.Any(x => x.MessageId == card.MessageId && x.Text.Contains("Confirmed")), Ct))
            .Single(x => x.MessageId == card.MessageId);
        Assert.Contains("stopped", edited.Text);
        var stopAt = edited.Text.IndexOf("stopped", StringComparison.Ordinal);
        var logsAt = edited.Text.IndexOf("<pre>", StringComparison.Ordinal);
        Assert.True(logsAt > stopAt, "the log lines come after the stop: " + edited.Text);
        Assert.Empty(edited.Buttons);
        TelegramHtmlAssert.Valid(edited.Text);
        Assert.Single(await audit.ReadRecentAsync(50, Ct), r => r.Decision == AuditDecision.Confirmed && r.UserId == "1001");
    }

    [Fact]
    public async Task Long_logs_arrive_as_a_document_with_a_short_preview_in_the_message()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit,
            settings: new Dictionary<string, string?> { ["Telegram:LogDocumentThresholdLines"] = "20" });
        using var user = new EmulatorClient(url, token);
        var shim = TelegramEmulatorShim.For(url, token);

        await user.SendTextAsync(Admin, "last 100 lines from bravo");

        await WaitForAsync(() => Task.FromResult(!shim.Uploads.IsEmpty));
        var upload = Assert.Single(shim.Uploads);
        Assert.Equal("sendDocument", upload.Method);
        Assert.Equal(Admin, upload.ChatId);
        Assert.StartsWith("bravo-logs-", upload.FileName);
        Assert.EndsWith(".txt", upload.FileName);
        var lines = System.Text.Encoding.UTF8.GetString(upload.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 20, $"the whole log is in the file ({lines.Length} lines)");
        Assert.Contains("bravo", upload.Caption);
        var preview = (await user.WaitAsync(Admin, m => m.Count > 0, Ct)).Single();
        Assert.True(preview.Text.Split('\n').Length < lines.Length, "the message keeps only a preview");
    }

    [Fact]
    public async Task A_chart_image_is_sent_as_a_photo_with_a_one_line_caption()
    {
        var url = Emulator();
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 0, 255 };

        var messageId = await host.Services.GetRequiredService<TelegramSender>().SendPhotoAsync(Admin, png, "BTCUSDT 24h\nlast 97,000", false, Ct);

        var upload = Assert.Single(TelegramEmulatorShim.For(url, token).Uploads);
        Assert.Equal("sendPhoto", upload.Method);
        Assert.Equal(messageId, upload.MessageId);
        Assert.Equal(png, upload.Content);
        Assert.Equal("BTCUSDT 24h last 97,000", upload.Caption);
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
        foreach (var system in new[] { "alpha", "bravo", "charlie", "database", "cache", "running", "stopped" }) Assert.DoesNotContain(system, reply.Text);
        Assert.Empty(reply.Buttons);
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
    public async Task After_an_emulator_restart_the_update_ids_start_again_at_1_and_the_bot_still_hears()
    {
        var script = AiTradingBot.Testing.Integration.Require("ATB_TEST_TELEGRAM_SERVER_JS", "The emulator's start script (scripts/servers/telegram.sh)");
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();
        var emulator = await StartEmulatorAsync(script, port);
        try
        {
            await using var host = await TelegramTestHost.StartAsync(url, token, store, audit);
            using var user = new EmulatorClient(url, token);
            await user.SendTextAsync(Admin, "/balance");
            await user.WaitAsync(Admin, m => m.Any(x => x.Text.Contains("Balance")), Ct);
            await user.SendTextAsync(Admin, "/pnl");
            await user.WaitAsync(Admin, m => m.Any(x => x.Text.Contains("PnL")), Ct);
            var before = await user.UpdateIdOfAsync("/pnl", Ct);
            await WaitForAsync(async () => await store.GetAsync(host.OffsetKey, Ct) == (before + 1).ToString());

            // Restart: the emulator forgets everything and numbers updates from 1 again, below the stored offset.
            StopEmulator(emulator);
            emulator = await StartEmulatorAsync(script, port);
            await user.SendTextAsync(Admin, "/sitrep");

            await user.WaitAsync(Admin, m => m.Any(x => x.Text.Contains("SITREP")), Ct, seconds: 30);
            Assert.True(await user.UpdateIdOfAsync("/sitrep", Ct) < before, "the emulator numbered again from 1");
            Assert.Single(await audit.ReadRecentAsync(50, Ct), r => r.Text == "/sitrep");
        }
        finally
        {
            StopEmulator(emulator);
        }
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

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    // A private emulator on a fixed port, so it can be restarted without disturbing the shared one.
    private static async Task<Process> StartEmulatorAsync(string script, int port)
    {
        var process = Process.Start(new ProcessStartInfo("node", [script, port.ToString()])
        {
            WorkingDirectory = Path.GetDirectoryName(script)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await probe.PostAsync($"http://127.0.0.1:{port}/getUpdatesHistory",
                    new StringContent("""{"token":"probe"}""", System.Text.Encoding.UTF8, "application/json"), Ct);
                if (response.IsSuccessStatusCode) return process;
            }
            catch (HttpRequestException)
            {
            }
            if (process.HasExited) throw new InvalidOperationException("The emulator exited: " + await process.StandardError.ReadToEndAsync(Ct));
            await Task.Delay(100, Ct);
        }
        throw new TimeoutException("The emulator did not start.");
    }

    private static void StopEmulator(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(10_000);
        }
        process.Dispose();
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
