using System.Net;
using System.Text.Json.Nodes;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Sending;
using AiTradingBot.Telegram.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types.Enums;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

/// <summary>
/// The library client (RetryThreshold 0) under our call policy and pacer, against an in-process Bot API stub:
/// 429 with retry_after, 5xx, timeouts, network errors, failed edits, uploads, and the token kept out of everything.
/// </summary>
public sealed class TelegramApiTests
{
    private const string Token = ChannelHarness.Token;
    private readonly FakeBotApi _stub = new();
    private readonly AutoAdvanceTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public TelegramApiTests() => _loggers = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private (TelegramApi Api, TelegramSender Sender, SendPacer Pacer) Build(int retries = 3, TimeProvider? time = null, TimeSpan? requestTimeout = null, double perChat = 0)
    {
        var options = Options.Create(new TelegramOptions
        {
            BotToken = Token,
            ApiBaseUrl = "http://telegram.test",
            MaxRetries = retries,
            RetryBaseDelay = TimeSpan.FromMilliseconds(500),
            RequestTimeout = requestTimeout ?? TimeSpan.FromHours(1),
            MaxMessagesPerSecondPerChat = perChat,
            MaxMessagesPerSecond = 0,
        });
        var clock = time ?? _time;
        var bot = new TelegramBotClient(new TelegramBotClientOptions(Token, "http://telegram.test") { RetryThreshold = 0 }, new HttpClient(_stub) { Timeout = Timeout.InfiniteTimeSpan });
        var pacer = new SendPacer(options, clock);
        var api = new TelegramApi(bot, pacer, options, clock, new Logger<TelegramApi>(_loggers));
        return (api, new TelegramSender(api, new Logger<TelegramSender>(_loggers)), pacer);
    }

    [Fact]
    public async Task A_message_is_html_with_buttons_silence_and_no_preview_and_unknown_answer_fields_are_ignored()
    {
        var (_, sender, _) = Build();

        var id = await sender.SendAsync(77, new OutgoingReply(["<b>hi</b>"], Keyboards.Confirmation("AB"), []), disableNotification: true, Ct);

        Assert.True(id > 100);
        var (method, body, url) = Assert.Single(_stub.Calls);
        Assert.Equal("sendMessage", method);
        Assert.Equal($"http://telegram.test/bot{Token}/sendMessage", url);
        Assert.Equal("<b>hi</b>", body!["text"]!.GetValue<string>());
        Assert.Equal("html", body["parse_mode"]!.GetValue<string>(), ignoreCase: true);
        Assert.True(body["disable_notification"]!.GetValue<bool>());
        Assert.True(body["link_preview_options"]!["is_disabled"]!.GetValue<bool>());
        Assert.Equal("c:AB", body["reply_markup"]!["inline_keyboard"]![0]![0]!["callback_data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_updates_sends_offset_limit_timeout_and_allowed_updates_and_reads_messages_and_presses()
    {
        var (api, _, _) = Build();
        _stub.Enqueue("getUpdates", () => FakeBotApi.Json(HttpStatusCode.OK, JsonNode.Parse("""
            {"ok":true,"result":[
              {"update_id":7,"message":{"message_id":1,"from":{"id":5,"is_bot":false,"first_name":"A","language_code":"en"},"chat":{"id":5,"type":"private"},"date":1700000000,"text":"/sitrep","entities":[{"type":"bot_command","offset":0,"length":7}]}},
              {"update_id":8,"callback_query":{"id":"q1","from":{"id":5,"is_bot":false,"first_name":"A"},"chat_instance":"x","message":{"message_id":3,"chat":{"id":5,"type":"private"},"date":1},"data":"c:AB"}},
              {"update_id":9,"my_chat_member":{"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A"},"date":1,"old_chat_member":{"status":"member","user":{"id":5,"is_bot":false,"first_name":"A"}},"new_chat_member":{"status":"kicked","user":{"id":5,"is_bot":false,"first_name":"A"},"until_date":0}}}
            ]}
            """)!));

        var updates = await api.CallAsync("getUpdates", null, TelegramCallKind.Idempotent,
            (bot, token) => bot.GetUpdates(7, 100, 25, [UpdateType.Message, UpdateType.CallbackQuery], token), Ct);

        Assert.Equal([7, 8, 9], updates.Select(u => u.Id));
        Assert.Equal("/sitrep", updates[0].Message!.Text);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1700000000).UtcDateTime, updates[0].Message!.Date);
        Assert.Equal("c:AB", updates[1].CallbackQuery!.Data);
        Assert.Null(updates[2].Message);
        var body = _stub.CallsOf("getUpdates").Single()!;
        Assert.Equal(7, body["offset"]!.GetValue<long>());
        Assert.Equal(25, body["timeout"]!.GetValue<int>());
        Assert.Equal("""["message","callback_query"]""", body["allowed_updates"]!.ToJsonString());
    }

    [Fact]
    public async Task A_429_blocks_the_chat_for_retry_after_in_the_pacer_then_the_message_is_sent_once()
    {
        var (_, sender, pacer) = Build();
        _stub.EnqueueError("sendMessage", 429, "Too Many Requests: retry after 7", retryAfter: 7);

        await sender.SendAsync(1, OutgoingReply.Text("x"), false, Ct);

        // The library did not wait by itself (RetryThreshold 0): one refused call, one accepted.
        Assert.Equal(2, _stub.CallsOf("sendMessage").Count);
        Assert.Contains(TimeSpan.FromSeconds(7), _time.Delays);
        Assert.Contains(_logs.Lines, l => l.Contains("rate limited"));
    }

    [Fact]
    public void A_429_holds_back_that_chat_for_retry_after_and_every_chat_only_briefly()
    {
        var (_, _, pacer) = Build();

        pacer.Block(1, TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), pacer.Reserve(1));
        Assert.Equal(SendPacer.MaxGlobalPauseAfterChatLimit, pacer.Reserve(2));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(TimeSpan.Zero, pacer.Reserve(1));
    }

    [Fact]
    public async Task A_429_on_a_call_of_no_chat_pauses_everything()
    {
        var (api, _, pacer) = Build();
        _stub.EnqueueError("answerCallbackQuery", 429, "Too Many Requests: retry after 5", retryAfter: 5);

        await api.CallAsync("answerCallbackQuery", null, TelegramCallKind.Idempotent, (bot, token) => bot.AnswerCallbackQuery("q", cancellationToken: token), Ct);

        Assert.Equal(2, _stub.CallsOf("answerCallbackQuery").Count);
        Assert.Contains(TimeSpan.FromSeconds(5), _time.Delays);
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_limit_fails_at_once()
    {
        var (_, sender, _) = Build();
        _stub.EnqueueError("sendMessage", 429, "Too Many Requests: retry after 600", retryAfter: 600);

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => sender.SendAsync(1, OutgoingReply.Text("x"), false, Ct));

        Assert.Equal(429, e.ErrorCode);
        Assert.Single(_stub.CallsOf("sendMessage"));
    }

    [Fact]
    public async Task Server_errors_are_answers_so_they_are_retried_with_backoff_then_reported()
    {
        var (_, sender, _) = Build(retries: 2);
        for (var i = 0; i < 5; i++) _stub.EnqueueError("sendMessage", 502, "Bad Gateway");

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => sender.SendAsync(1, OutgoingReply.Text("x"), false, Ct));

        Assert.Equal(502, e.ErrorCode);
        Assert.Equal(3, _stub.CallsOf("sendMessage").Count);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], _time.Delays);
    }

    [Fact]
    public async Task A_send_that_timed_out_is_not_repeated_because_it_may_have_arrived()
    {
        var (_, sender, _) = Build(time: TimeProvider.System, requestTimeout: TimeSpan.FromMilliseconds(200));
        _stub.Enqueue("sendMessage", () => Hang());

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => sender.SendAsync(1, OutgoingReply.Text("x"), false, Ct));

        Assert.True(e.TimedOut);
        Assert.Single(_stub.CallsOf("sendMessage"));
    }

    [Fact]
    public async Task An_idempotent_call_that_timed_out_is_repeated()
    {
        var (api, _, _) = Build(retries: 2, time: TimeProvider.System, requestTimeout: TimeSpan.FromMilliseconds(200));
        _stub.Enqueue("getMe", () => Hang());

        var me = await api.CallAsync("getMe", null, TelegramCallKind.Idempotent, (bot, token) => bot.GetMe(token), Ct);

        Assert.Equal("TestBot", me.Username);
        Assert.Equal(2, _stub.CallsOf("getMe").Count);
    }

    [Fact]
    public async Task A_refused_connection_is_retried_even_for_a_send_but_a_broken_one_is_not()
    {
        var (_, sender, _) = Build();
        _stub.Enqueue("sendMessage", () => throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused (telegram.test/bot{Token})"));
        await sender.SendAsync(1, OutgoingReply.Text("first"), false, Ct);
        Assert.Equal(2, _stub.CallsOf("sendMessage").Count);

        _stub.Enqueue("sendMessage", () => throw new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely"));
        var e = await Assert.ThrowsAsync<TelegramApiException>(() => sender.SendAsync(1, OutgoingReply.Text("second"), false, Ct));
        Assert.True(e.IsNetworkError);
        Assert.Equal(3, _stub.CallsOf("sendMessage").Count);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(Token));
    }

    [Theory]
    [InlineData(400, "Bad Request: chat not found")]
    [InlineData(403, "Forbidden: bot was blocked by the user")]
    public async Task Client_errors_are_reported_at_once_not_retried(int code, string description)
    {
        var (_, sender, _) = Build();
        _stub.EnqueueError("sendMessage", code, description);

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => sender.SendAsync(1, OutgoingReply.Text("x"), false, Ct));

        Assert.Equal(code, e.ErrorCode);
        Assert.Contains(description, e.Message);
        Assert.Single(_stub.CallsOf("sendMessage"));
        Assert.Empty(_time.Delays);
    }

    [Fact]
    public async Task The_token_never_appears_in_errors_or_logs_even_when_a_lower_layer_quotes_the_url()
    {
        var (api, _, _) = Build(retries: 2);
        for (var i = 0; i < 3; i++)
            _stub.Enqueue("getMe", () => throw new HttpRequestException(HttpRequestError.NameResolutionError, $"Name resolution failed for http://telegram.test/bot{Token}/getMe"));

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => api.CallAsync("getMe", null, TelegramCallKind.Idempotent, (bot, token) => bot.GetMe(token), Ct));

        Assert.True(e.IsNetworkError);
        Assert.Equal(3, _stub.CallsOf("getMe").Count);
        Assert.DoesNotContain(Token, e.ToString());
        Assert.DoesNotContain("SECRET", string.Join("\n", _logs.Lines));
    }

    [Fact]
    public async Task Chat_action_is_best_effort_and_never_retried()
    {
        var (_, sender, _) = Build();
        _stub.EnqueueError("sendChatAction", 500, "Internal Server Error");

        await Assert.ThrowsAsync<TelegramApiException>(() => sender.TypingAsync(1, Ct));

        Assert.Equal("typing", Assert.Single(_stub.CallsOf("sendChatAction"))!["action"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_edit_that_fails_is_sent_as_a_new_message_so_the_result_is_not_lost()
    {
        var (_, sender, _) = Build();
        _stub.EnqueueError("editMessageText", 400, "Bad Request: message to edit not found");

        await sender.EditAsync(5, 42, OutgoingReply.Text("✅ <b>Confirmed</b>: alpha stopped"), Ct);

        Assert.Equal(42, Assert.Single(_stub.CallsOf("editMessageText"))!["message_id"]!.GetValue<int>());
        Assert.Equal("✅ <b>Confirmed</b>: alpha stopped", Assert.Single(_stub.CallsOf("sendMessage"))!["text"]!.GetValue<string>());
        Assert.Contains(_logs.Lines, l => l.Contains("sending the result as a new message"));
    }

    [Fact]
    public async Task An_edit_to_the_text_already_shown_sends_nothing_more()
    {
        var (_, sender, _) = Build();
        _stub.EnqueueError("editMessageText", 400, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same");

        await sender.EditAsync(5, 42, OutgoingReply.Text("same"), Ct);

        Assert.Empty(_stub.CallsOf("sendMessage"));
    }

    [Fact]
    public async Task An_edit_removes_the_buttons_and_returns_after_the_edited_message_comes_back()
    {
        var (_, sender, _) = Build();

        await sender.EditAsync(5, 42, OutgoingReply.Text("done"), Ct);

        var edit = Assert.Single(_stub.CallsOf("editMessageText"))!;
        Assert.Equal("[]", edit["reply_markup"]!["inline_keyboard"]!.ToJsonString());
        Assert.Empty(_stub.CallsOf("sendMessage"));
    }

    [Fact]
    public async Task Documents_and_photos_are_uploaded_as_multipart_with_their_captions()
    {
        var (_, sender, _) = Build();

        await sender.SendAsync(9, new OutgoingReply(["logs"], null, [new OutgoingDocument("alpha-logs.txt", "a < b"u8.ToArray(), "📄 alpha: 80 log lines")]), false, Ct);
        var photoId = await sender.SendPhotoAsync(9, [0x89, 0x50, 0x4E, 0x47], "BTC 24h\nclose 97,000", false, Ct);

        Assert.True(photoId > 0);
        var uploads = _stub.Uploads.ToList();
        Assert.Equal(["sendDocument", "sendPhoto"], uploads.Select(u => u.Method));
        Assert.Contains("alpha-logs.txt", uploads[0].Body);
        Assert.Contains("a < b", uploads[0].Body);
        Assert.Contains("attach://", uploads[1].Body);
        Assert.Contains("BTC 24h close 97,000", uploads[1].Body); // one line
    }

    [Fact]
    public async Task A_document_the_server_refuses_still_arrives_as_messages()
    {
        var (_, sender, _) = Build();
        _stub.EnqueueError("sendDocument", 400, "Bad Request: file must be non-empty");

        await sender.SendAsync(9, new OutgoingReply(["logs"], null, [new OutgoingDocument("alpha-logs.txt", "line one"u8.ToArray(), "📄 alpha")]), false, Ct);

        Assert.Contains(_stub.CallsOf("sendMessage"), m => m!["text"]!.GetValue<string>().Contains("line one"));
    }

    private static HttpResponseMessage Hang()
    {
        Thread.Sleep(1000);
        throw new TaskCanceledException("hung");
    }
}
