using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Containers;
using AiTradingBot.Telegram.Tests.Support;
using AiTradingBot.Telegram.Updates;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class UpdateHandlingTests : IDisposable
{
    private readonly ChannelHarness _h = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task Handle(global::Telegram.Bot.Types.Update update) => _h.Get<TelegramUpdateProcessor>().ProcessAsync(update, Ct);

    [Fact]
    public async Task A_message_goes_to_the_core_with_the_senders_principal_and_the_reply_is_sent_as_html()
    {
        _h.Assistant.OnMessage = _ => Samples.Done(new ResumeResult(true));

        await Handle(ChannelHarness.Message(1, ChannelHarness.Admin, "/resume"));

        var m = Assert.Single(_h.Assistant.Messages);
        Assert.Equal(Principal.TelegramUser(1001, "user1001", UserRole.Admin), m.User);
        Assert.Equal("telegram:1001", m.User.Identity); // the same person as their web session
        Assert.Equal(("telegram", "1001", "/resume"), (m.Channel, m.ChatId, m.Text));
        var sent = Assert.Single(_h.Api.CallsOf("sendMessage"))!;
        Assert.Equal(1001, sent["chat_id"]!.GetValue<long>());
        Assert.Equal("html", sent["parse_mode"]!.GetValue<string>(), ignoreCase: true);
        Assert.Contains("Trading resumed", sent["text"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ChannelHarness.Viewer, UserRole.Viewer)]
    [InlineData(ChannelHarness.Stranger, UserRole.None)]
    public async Task Roles_are_mapped_by_user_id_even_in_a_shared_group_chat(long user, UserRole role)
    {
        await Handle(ChannelHarness.Message(1, user, "/sitrep", chatId: -100500));

        var m = Assert.Single(_h.Assistant.Messages);
        Assert.Equal(role, m.User.Role);
        Assert.Equal("-100500", m.ChatId);
    }

    [Fact]
    public async Task A_stranger_gets_access_denied_and_nothing_else()
    {
        _h.Assistant.OnMessage = m => m.User.Role == UserRole.None ? FakeAssistant.Reply(ReplyKind.AccessDenied, "ACCESS DENIED") : Samples.Done(new ResumeResult(true));

        await Handle(ChannelHarness.Message(1, ChannelHarness.Stranger, "/sitrep"));

        Assert.Equal("<b>ACCESS DENIED</b>", Assert.Single(_h.Api.CallsOf("sendMessage"))!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_gated_plan_shows_a_card_with_confirm_and_cancel_buttons()
    {
        _h.Assistant.OnMessage = _ => Samples.Awaiting("AB12CD34");

        await Handle(ChannelHarness.Message(1, ChannelHarness.Admin, "stop alpha"));

        var sent = Assert.Single(_h.Api.CallsOf("sendMessage"))!;
        var buttons = sent["reply_markup"]!["inline_keyboard"]![0]!.AsArray().Select(b => b!["callback_data"]!.GetValue<string>());
        Assert.Equal(["c:AB12CD34", "x:AB12CD34"], buttons);
    }

    [Fact]
    public async Task Confirm_press_answers_the_query_confirms_as_the_presser_and_edits_the_card_into_the_result()
    {
        _h.Assistant.OnConfirm = _ => Samples.Done(new ContainerActionsResult("stop", [new ContainerActionOutcome("alpha", "shortseller_trading", ContainerOutcome.Done, null, TimeSpan.FromSeconds(1))], false));

        await Handle(ChannelHarness.Press(2, ChannelHarness.Admin, "c:AB12CD34", chatId: 1001, messageId: 55));

        var request = Assert.Single(_h.Assistant.Confirmations);
        Assert.Equal(new ConfirmationRequest("telegram", "1001", Principal.TelegramUser(1001, "user1001", UserRole.Admin), "AB12CD34"), request);
        Assert.Single(_h.Api.CallsOf("answerCallbackQuery"));
        var edit = Assert.Single(_h.Api.CallsOf("editMessageText"))!;
        Assert.Equal(55, edit["message_id"]!.GetValue<long>());
        Assert.Contains("Confirmed", edit["text"]!.GetValue<string>());
        Assert.Contains("TERMINATE", edit["text"]!.GetValue<string>());
        Assert.Empty(edit["reply_markup"]!["inline_keyboard"]!.AsArray());
    }

    [Fact]
    public async Task A_stranger_pressing_the_admins_confirm_is_answered_with_the_denial_and_the_card_stays()
    {
        _h.Assistant.OnConfirm = r => r.User.Role == UserRole.Admin ? Samples.Done(new ResumeResult(true)) : FakeAssistant.Reply(ReplyKind.AccessDenied, "ACCESS DENIED");

        await Handle(ChannelHarness.Press(2, ChannelHarness.Stranger, "c:AB12CD34", chatId: -100500, messageId: 55));

        Assert.Equal(UserRole.None, Assert.Single(_h.Assistant.Confirmations).User.Role);
        var answer = Assert.Single(_h.Api.CallsOf("answerCallbackQuery"))!;
        Assert.Equal("ACCESS DENIED", answer["text"]!.GetValue<string>());
        Assert.True(answer["show_alert"]!.GetValue<bool>());
        Assert.Empty(_h.Api.CallsOf("editMessageText"));
    }

    [Fact]
    public async Task A_viewer_pressing_confirm_is_refused_without_touching_the_card()
    {
        _h.Assistant.OnConfirm = _ => FakeAssistant.Reply(ReplyKind.Refused, "Your access is read-only: only admins can confirm actions.");

        await Handle(ChannelHarness.Press(2, ChannelHarness.Viewer, "c:AB12CD34", chatId: -100500, messageId: 55));

        Assert.Contains("read-only", Assert.Single(_h.Api.CallsOf("answerCallbackQuery"))!["text"]!.GetValue<string>());
        Assert.Empty(_h.Api.CallsOf("editMessageText"));
    }

    [Fact]
    public async Task A_second_press_says_already_done()
    {
        _h.Assistant.OnConfirm = _ => FakeAssistant.Reply(ReplyKind.AlreadyHandled, "That was already handled; nothing more was done.");

        await Handle(ChannelHarness.Press(3, ChannelHarness.Admin, "c:AB12CD34", chatId: 1001, messageId: 55));

        Assert.Contains("already handled", Assert.Single(_h.Api.CallsOf("sendMessage"))!["text"]!.GetValue<string>());
        Assert.Empty(_h.Api.CallsOf("editMessageText"));
    }

    [Fact]
    public async Task An_expired_card_is_edited_to_say_send_the_command_again()
    {
        _h.Assistant.OnConfirm = _ => FakeAssistant.Reply(ReplyKind.Expired, "That confirmation expired. Nothing was done; send the command again.");

        await Handle(ChannelHarness.Press(3, ChannelHarness.Admin, "c:AB12CD34", chatId: 1001, messageId: 55));

        Assert.Contains("Send the command again", Assert.Single(_h.Api.CallsOf("editMessageText"))!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cancel_edits_the_card_to_cancelled()
    {
        await Handle(ChannelHarness.Press(3, ChannelHarness.Admin, "x:AB12CD34", chatId: 1001, messageId: 55));

        Assert.Equal("AB12CD34", Assert.Single(_h.Assistant.Cancellations).ConfirmationId);
        Assert.Contains("Cancelled", Assert.Single(_h.Api.CallsOf("editMessageText"))!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cc_shows_the_help_with_the_main_menu_and_a_menu_button_becomes_a_message_through_the_core()
    {
        _h.Assistant.OnMessage = m => m.Text == "/help" ? Samples.Done(new HelpResult(AiTradingBot.Core.Catalog.ActionCatalog.All)) : Samples.Awaiting("KS000001");

        await Handle(ChannelHarness.Message(1, ChannelHarness.Admin, "/cc"));
        await Handle(ChannelHarness.Press(2, ChannelHarness.Admin, "m:killswitch", chatId: 1001, messageId: 10));

        Assert.Equal(["/help", "/killswitch"], _h.Assistant.Messages.Select(m => m.Text));
        var sends = _h.Api.CallsOf("sendMessage");
        Assert.StartsWith("m:", sends[0]!["reply_markup"]!["inline_keyboard"]![0]![0]!["callback_data"]!.GetValue<string>());
        Assert.Equal("c:KS000001", sends[1]!["reply_markup"]!["inline_keyboard"]![0]![0]!["callback_data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_button_data_reaches_nothing()
    {
        await Handle(ChannelHarness.Press(2, ChannelHarness.Admin, "m:/killswitch CONFIRM", chatId: 1001, messageId: 10));

        Assert.Empty(_h.Assistant.Messages);
        Assert.Empty(_h.Assistant.Confirmations);
        Assert.Single(_h.Api.CallsOf("answerCallbackQuery"));
    }

    [Fact]
    public async Task A_command_for_this_bot_in_a_group_loses_its_suffix_and_one_for_another_bot_is_ignored()
    {
        _h.Get<TelegramBotIdentity>().Username = "TestBot";

        await Handle(ChannelHarness.Message(1, ChannelHarness.Admin, "/sitrep@TestBot alpha", chatId: -1));
        await Handle(ChannelHarness.Message(2, ChannelHarness.Admin, "/sitrep@OtherBot", chatId: -1));

        Assert.Equal(["/sitrep alpha"], _h.Assistant.Messages.Select(m => m.Text));
    }

    [Fact]
    public async Task A_message_older_than_the_max_age_is_acknowledged_and_reported_never_executed()
    {
        await Handle(ChannelHarness.Message(1, ChannelHarness.Admin, "/killswitch CONFIRM", date: DateTimeOffset.UtcNow.AddMinutes(-30)));

        Assert.Empty(_h.Assistant.Messages);
        var text = Assert.Single(_h.Api.CallsOf("sendMessage"))!["text"]!.GetValue<string>();
        Assert.Contains("Not executed", text);
        Assert.Contains("/killswitch CONFIRM", text);
    }

    [Fact]
    public async Task The_same_update_delivered_twice_is_handled_once()
    {
        var update = ChannelHarness.Message(1, ChannelHarness.Admin, "/sitrep");

        await Handle(update);
        await Handle(update);

        Assert.Single(_h.Assistant.Messages);
    }

    [Fact]
    public async Task An_update_interrupted_by_a_crash_is_not_run_again_and_the_sender_is_told()
    {
        await _h.Store.SetAsync("telegram:update:123456:9", "started", null, Ct);

        await Handle(ChannelHarness.Message(9, ChannelHarness.Admin, "/deploy all"));

        Assert.Empty(_h.Assistant.Messages);
        Assert.Contains("restart interrupted", Assert.Single(_h.Api.CallsOf("sendMessage"))!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failing_send_is_logged_without_the_token_and_does_not_stop_later_updates()
    {
        _h.Api.EnqueueError("sendMessage", 403, "Forbidden: bot was blocked by the user");

        await Handle(ChannelHarness.Message(1, ChannelHarness.Admin, "/sitrep"));
        await Handle(ChannelHarness.Message(2, ChannelHarness.Admin, "/sitrep"));

        Assert.Equal(2, _h.Assistant.Messages.Count);
        Assert.Contains(_h.Logs.Lines, l => l.Contains("403"));
        Assert.DoesNotContain(_h.Logs.Lines, l => l.Contains("SECRET"));
    }

    [Fact]
    public async Task Html_telegram_cannot_parse_is_resent_without_tags()
    {
        _h.Assistant.OnMessage = _ => Samples.Done(new ResumeResult(true));
        _h.Api.EnqueueError("sendMessage", 400, "Bad Request: can't parse entities: unexpected end tag");

        await Handle(ChannelHarness.Message(1, ChannelHarness.Admin, "/resume"));

        var sends = _h.Api.CallsOf("sendMessage");
        Assert.Equal(2, sends.Count);
        Assert.DoesNotContain("<", sends[1]!["text"]!.GetValue<string>());
    }

    public void Dispose() => _h.Dispose();
}
