using System.Net;
using System.Text.Json.Nodes;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class TelegramBotClientTests
{
    private const string Token = ChannelHarness.Token;
    private readonly FakeBotApi _api = new();
    private readonly AutoAdvanceTimeProvider _time = new(DateTimeOffset.UnixEpoch.AddYears(56));
    private readonly CapturingLoggerProvider _logs = new();

    private TelegramBotClient Client(int retries = 3) => new(new HttpClient(_api), new TelegramOptions
    {
        BotToken = Token,
        ApiBaseUrl = "http://telegram.test/",
        MaxRetries = retries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(500),
        RequestTimeout = TimeSpan.FromHours(1),
    }, _time, _logs.CreateLogger("client"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_message_posts_html_with_buttons_and_silence_and_ignores_unknown_fields()
    {
        var markup = new InlineKeyboardMarkup([[new InlineKeyboardButton("✅ Confirm", "c:AB")]]);

        var message = await Client().SendMessageAsync(77, "<b>hi</b>", markup, disableNotification: true, Ct);

        Assert.Equal(77, message.Chat!.Id);
        var (method, body, url) = Assert.Single(_api.Calls);
        Assert.Equal("sendMessage", method);
        Assert.Equal($"http://telegram.test/bot{Token}/sendMessage", url);
        Assert.Equal("HTML", body!["parse_mode"]!.GetValue<string>());
        Assert.True(body["disable_notification"]!.GetValue<bool>());
        Assert.Equal("c:AB", body["reply_markup"]!["inline_keyboard"]![0]![0]!["callback_data"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_updates_sends_offset_timeout_and_allowed_updates_and_reads_messages_and_presses()
    {
        _api.Enqueue("getUpdates", () => FakeBotApi.Json(HttpStatusCode.OK, JsonNode.Parse("""
            {"ok":true,"result":[
              {"update_id":7,"message":{"message_id":1,"from":{"id":5,"is_bot":false,"first_name":"A","language_code":"en"},"chat":{"id":5,"type":"private"},"date":1700000000,"text":"/sitrep","entities":[{"type":"bot_command","offset":0,"length":7}]}},
              {"update_id":8,"callback_query":{"id":"q1","from":{"id":5,"is_bot":false},"chat_instance":"x","message":{"message_id":3,"chat":{"id":5,"type":"private"},"date":1},"data":"c:AB"}},
              {"update_id":9,"my_chat_member":{"whatever":true}}
            ]}
            """)!));

        var updates = await Client().GetUpdatesAsync(7, 25, ["message", "callback_query"], Ct);

        Assert.Equal([7L, 8L, 9L], updates.Select(u => u.UpdateId));
        Assert.Equal("/sitrep", updates[0].Message!.Text);
        Assert.Equal("c:AB", updates[1].CallbackQuery!.Data);
        Assert.Null(updates[2].Message);
        var body = _api.CallsOf("getUpdates").Single()!;
        Assert.Equal(7, body["offset"]!.GetValue<long>());
        Assert.Equal(25, body["timeout"]!.GetValue<int>());
        Assert.Equal("""["message","callback_query"]""", body["allowed_updates"]!.ToJsonString());
    }

    [Fact]
    public async Task A_429_waits_for_retry_after_then_succeeds()
    {
        _api.EnqueueError("sendMessage", 429, "Too Many Requests: retry after 7", retryAfter: 7);

        await Client().SendMessageAsync(1, "x", null, false, Ct);

        Assert.Equal(2, _api.CallsOf("sendMessage").Count);
        Assert.Contains(TimeSpan.FromSeconds(7), _time.Delays);
    }

    [Fact]
    public async Task Network_errors_are_retried_with_growing_backoff()
    {
        var failures = 2;
        _api.Enqueue("getMe", () => throw new HttpRequestException($"Connection refused (http://telegram.test/bot{Token}/getMe)"));
        _api.Enqueue("getMe", () => throw new HttpRequestException("Connection reset"));

        var me = await Client().GetMeAsync(Ct);

        Assert.Equal("TestBot", me.Username);
        Assert.Equal(failures + 1, _api.CallsOf("getMe").Count);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], _time.Delays);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(Token));
    }

    [Theory]
    [InlineData(400, "Bad Request: chat not found")]
    [InlineData(403, "Forbidden: bot was blocked by the user")]
    public async Task Client_errors_are_reported_at_once_not_retried(int code, string description)
    {
        _api.EnqueueError("sendMessage", code, description);

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => Client().SendMessageAsync(1, "x", null, false, Ct));

        Assert.Equal(code, e.ErrorCode);
        Assert.Contains(description, e.Message);
        Assert.Single(_api.CallsOf("sendMessage"));
        Assert.Empty(_time.Delays);
    }

    [Fact]
    public async Task The_token_never_appears_in_errors_or_logs_even_when_a_lower_layer_quotes_the_url()
    {
        for (var i = 0; i < 3; i++)
            _api.Enqueue("getMe", () => throw new HttpRequestException($"Name resolution failed for http://telegram.test/bot{Token}/getMe"));
        _api.EnqueueError("sendMessage", 400, $"Bad Request: something about bot{Token}");

        var network = await Assert.ThrowsAsync<TelegramApiException>(() => Client(retries: 2).GetMeAsync(Ct));
        var api = await Assert.ThrowsAsync<TelegramApiException>(() => Client().SendMessageAsync(1, "x", null, false, Ct));

        Assert.True(network.IsNetworkError);
        foreach (var text in new[] { network.ToString(), api.ToString(), network.Description, api.Description })
            Assert.DoesNotContain(Token, text);
        Assert.DoesNotContain("SECRET", string.Join("\n", _logs.Lines));
    }

    [Fact]
    public async Task Server_errors_are_retried_then_reported()
    {
        for (var i = 0; i < 5; i++) _api.EnqueueError("sendMessage", 502, "Bad Gateway");

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => Client(retries: 2).SendMessageAsync(1, "x", null, false, Ct));

        Assert.Equal(502, e.ErrorCode);
        Assert.Equal(3, _api.CallsOf("sendMessage").Count);
    }

    [Fact]
    public async Task Chat_action_is_best_effort_and_never_retried()
    {
        _api.EnqueueError("sendChatAction", 500, "not supported");

        await Assert.ThrowsAsync<TelegramApiException>(() => Client().SendChatActionAsync(1, "typing", Ct));

        Assert.Single(_api.CallsOf("sendChatAction"));
    }

    [Fact]
    public async Task Documents_are_sent_as_multipart()
    {
        var message = await Client().SendDocumentAsync(9, "alpha-logs.txt", "a < b"u8.ToArray(), "<b>logs</b>", false, Ct);

        Assert.Equal("sendDocument", _api.Calls.Single().Method);
        Assert.Null(_api.Calls.Single().Body); // multipart, not JSON
        Assert.True(message.MessageId > 0);
    }

    [Fact]
    public async Task The_emulators_500_for_unknown_methods_reads_as_an_error_with_its_message()
    {
        _api.Enqueue("setMyCommands", () => FakeBotApi.Json(HttpStatusCode.InternalServerError, new JsonObject { ["message"] = "API method 'setMyCommands' is not supported." }));

        var e = await Assert.ThrowsAsync<TelegramApiException>(() => Client(retries: 0).SetMyCommandsAsync([new BotCommand("sitrep", "x")], Ct));

        Assert.Equal(500, e.ErrorCode);
        Assert.Contains("not supported", e.Message);
    }
}
