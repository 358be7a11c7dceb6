using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Gate;
using AiTradingBot.Telegram.Sending;
using AiTradingBot.Telegram.Tests.Support;
using AiTradingBot.Telegram.Updates;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

/// <summary>A card shown on Telegram and resolved in another channel is edited to its result on Telegram.</summary>
public sealed class CardEditingTests : IAsyncDisposable
{
    private readonly ChannelHarness _h = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private TelegramCardEditor? _editor;

    private async Task StartEditorAsync()
    {
        _editor = _h.Get<TelegramCardEditor>();
        await _editor.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_editor is not null) await _editor.StopAsync(CancellationToken.None);
        _h.Dispose();
    }

    private static AssistantReply Stopped() => Samples.Done(new ContainerActionsResult("stop",
        [new ContainerActionOutcome("alpha", "shortseller_trading", ContainerOutcome.Done, null, TimeSpan.FromSeconds(1))], false));

    private static ConfirmationResolved Resolved(string resolvedIn, AssistantReply reply, string channel = "telegram") =>
        new("AB12CD34", channel, "-100500", "1001", resolvedIn, reply, DateTimeOffset.UtcNow, "ann");

    // The card as the update handler sends it: in a group, by the admin; returns the message id it was recorded with.
    private async Task<long> ShowCardInTheGroupAsync()
    {
        _h.Assistant.OnMessage = _ => Samples.Awaiting("AB12CD34");
        await _h.Get<TelegramUpdateProcessor>().ProcessAsync(ChannelHarness.Message(1, ChannelHarness.Admin, "stop alpha", chatId: -100500), Ct);
        var recorded = await _h.Store.GetAsync(TelegramCardMessages.Key("AB12CD34"), Ct) ?? throw new InvalidOperationException("card not recorded");
        Assert.StartsWith("-100500:", recorded);
        return long.Parse(recorded["-100500:".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task Until(Func<bool> condition, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met in time. Calls: " + string.Join(", ", _h.Api.Calls.Select(c => c.Method)));
            await Task.Delay(20, Ct);
        }
    }

    [Fact]
    public async Task A_card_sent_records_the_chat_and_the_message_that_has_its_buttons()
    {
        var messageId = await ShowCardInTheGroupAsync();

        var sent = Assert.Single(_h.Api.CallsOf("sendMessage"))!;
        Assert.NotNull(sent["reply_markup"]);
        Assert.Equal(-100500, sent["chat_id"]!.GetValue<long>());
        Assert.True(messageId > 0);
    }

    [Fact]
    public async Task The_record_lasts_past_the_cards_expiry_for_as_long_as_the_gate_remembers_it()
    {
        var time = new ShiftedTimeProvider();
        var store = new AiTradingBot.Core.InProcess.InMemoryKeyValueStore(time);
        var cards = new TelegramCardMessages(store, time, Microsoft.Extensions.Logging.Abstractions.NullLogger<TelegramCardMessages>.Instance);
        var card = Samples.Card("EXP12345", time.GetUtcNow().AddMinutes(2));
        await cards.RecordAsync(card, -100500, 77, Ct);

        time.Advance(TimeSpan.FromMinutes(2) + ConfirmationGate.Tombstone - TimeSpan.FromMinutes(1));
        Assert.NotNull(await store.GetAsync(TelegramCardMessages.Key("EXP12345"), Ct));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await cards.TakeAsync("EXP12345", Ct));
    }

    [Fact]
    public async Task A_record_is_taken_once()
    {
        await ShowCardInTheGroupAsync();
        var cards = _h.Get<TelegramCardMessages>();

        Assert.Equal(-100500, (await cards.TakeAsync("AB12CD34", Ct))!.ChatId);
        Assert.Null(await cards.TakeAsync("AB12CD34", Ct));
    }

    [Fact]
    public async Task Confirmed_on_the_web_the_telegram_card_is_edited_to_the_result_and_loses_its_buttons()
    {
        var messageId = await ShowCardInTheGroupAsync();
        await StartEditorAsync();

        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("web", Stopped()), Ct);

        await Until(() => _h.Api.CallsOf("editMessageText").Count == 1);
        var edit = _h.Api.CallsOf("editMessageText").Single()!;
        Assert.Equal((-100500L, messageId), (edit["chat_id"]!.GetValue<long>(), edit["message_id"]!.GetValue<long>()));
        var text = edit["text"]!.GetValue<string>();
        Assert.Contains("Confirmed</b> by @ann on the web", text);
        Assert.Contains("alpha", text);
        Assert.Empty(edit["reply_markup"]!["inline_keyboard"]!.AsArray());
        Assert.Null(await _h.Store.GetAsync(TelegramCardMessages.Key("AB12CD34"), Ct)); // edited once
    }

    [Theory]
    [InlineData(ReplyKind.Cancelled, "Cancelled</b> by @ann on the web")]
    [InlineData(ReplyKind.Expired, "Expired")]
    public async Task Cancelled_or_expired_on_the_web_the_card_says_so(ReplyKind kind, string expected)
    {
        await ShowCardInTheGroupAsync();
        await StartEditorAsync();

        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("web", FakeAssistant.Reply(kind, "Nothing was done.")), Ct);

        await Until(() => _h.Api.CallsOf("editMessageText").Count == 1);
        Assert.Contains(expected, _h.Api.CallsOf("editMessageText").Single()!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_card_that_cannot_be_edited_any_more_gets_its_result_as_a_new_message()
    {
        await ShowCardInTheGroupAsync();
        await StartEditorAsync();
        _h.Api.EnqueueError("editMessageText", 400, "Bad Request: message to edit not found");
        var before = _h.Api.CallsOf("sendMessage").Count;

        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("web", Stopped()), Ct);

        await Until(() => _h.Api.CallsOf("sendMessage").Count == before + 1);
        var fallback = _h.Api.CallsOf("sendMessage").Last()!;
        Assert.Equal(-100500, fallback["chat_id"]!.GetValue<long>());
        Assert.Contains("Confirmed", fallback["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task Telegram_failing_never_reaches_the_confirming_channel()
    {
        await ShowCardInTheGroupAsync();
        await StartEditorAsync();
        for (var i = 0; i < 10; i++)
        {
            _h.Api.EnqueueError("editMessageText", 403, "Forbidden: bot was kicked from the group chat");
            _h.Api.EnqueueError("sendMessage", 403, "Forbidden: bot was kicked from the group chat");
        }

        // Publishing returns without an exception (the web caller's answer stands) and the failure is logged.
        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("web", Stopped()), Ct);

        await Until(() => _h.Logs.Lines.Any(l => l.Contains("Could not show the result of card AB12CD34 on Telegram")));
    }

    [Fact]
    public async Task Presses_on_telegram_and_cards_of_other_channels_are_left_to_their_own_channel()
    {
        await ShowCardInTheGroupAsync();
        await StartEditorAsync();

        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("telegram", Stopped()), Ct);
        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("telegram", Stopped(), channel: "web"), Ct);
        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("web", Stopped(), channel: "web"), Ct);
        // A later event that is for the editor proves the earlier ones were looked at and skipped.
        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("cli", Stopped()), Ct);

        await Until(() => _h.Api.CallsOf("editMessageText").Count == 1);
        Assert.Contains("by @ann in the console", _h.Api.CallsOf("editMessageText").Single()!["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_card_whose_message_is_unknown_is_skipped()
    {
        await StartEditorAsync();

        await _h.Get<ConfirmationEvents>().PublishAsync(Resolved("web", Stopped()), Ct);

        await Until(() => _h.Logs.Lines.Any(l => l.Contains("its Telegram message is not known")));
        Assert.Empty(_h.Api.CallsOf("editMessageText"));
    }
}
