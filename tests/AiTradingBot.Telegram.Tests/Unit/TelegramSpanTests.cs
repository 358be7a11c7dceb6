using System.Collections.Concurrent;
using System.Diagnostics;
using AiTradingBot.Telegram.Api;
using AiTradingBot.Telegram.Rendering;
using AiTradingBot.Telegram.Sending;
using AiTradingBot.Telegram.Tests.Support;
using Telegram.Bot;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

/// <summary>One client span per Bot API call, with the method and outcome, never the token or the text.</summary>
public sealed class TelegramSpanTests : IDisposable
{
    private const string TestSourceName = "AiTradingBot.Telegram.Tests.Spans";
    private static readonly ActivitySource TestSource = new(TestSourceName);
    private readonly ChannelHarness _h = new(new Dictionary<string, string?> { ["Telegram:MaxRetries"] = "2" });
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public TelegramSpanTests()
    {
        // Both sources exist before the listener is added (a source created inside ShouldListenTo can miss it).
        _ = TestSource.Name;
        _ = TelegramTelemetry.Activities.Name;
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is TelegramTelemetry.Name or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _h.Dispose();
    }

    // Other tests run in parallel and call the Bot API too: only spans under this test's own root count.
    private async Task<List<Activity>> SpansOf(Func<Task> work)
    {
        using (var root = TestSource.StartActivity("test-root"))
        {
            Assert.NotNull(root);
            try { await work(); } catch (TelegramApiException) { }
            return _stopped.Where(a => a.ParentSpanId == root.SpanId && a.Source.Name == TelegramTelemetry.Name).ToList();
        }
    }

    private static IEnumerable<string> Values(Activity a) =>
        a.TagObjects.Select(t => $"{t.Key}={t.Value}").Append(a.DisplayName).Append(a.OperationName).Append(a.StatusDescription ?? "");

    [Fact]
    public async Task A_successful_send_is_one_client_span_named_after_the_method()
    {
        var spans = await SpansOf(() => _h.Get<TelegramSender>().SendAsync(1001, OutgoingReply.Text("secret plan: stop alpha"), false, Ct));

        var span = Assert.Single(spans);
        Assert.Equal("sendMessage", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal("sendMessage", span.GetTagItem(TelegramTelemetry.MethodTag));
        Assert.Equal("ok", span.GetTagItem(TelegramTelemetry.OutcomeTag));
        Assert.Equal(1, span.GetTagItem(TelegramTelemetry.AttemptsTag));
        Assert.NotEqual(ActivityStatusCode.Error, span.Status);
        Assert.DoesNotContain(Values(span), v => v.Contains(ChannelHarness.Token, StringComparison.Ordinal) || v.Contains("secret plan", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_refused_call_has_the_error_code_and_an_error_status_but_not_the_description()
    {
        _h.Api.EnqueueError("sendMessage", 403, "Forbidden: bot was blocked by the user " + ChannelHarness.Token);

        var spans = await SpansOf(() => _h.Get<TelegramSender>().SendAsync(1001, OutgoingReply.Text("hello"), false, Ct));

        var span = Assert.Single(spans);
        Assert.Equal("error", span.GetTagItem(TelegramTelemetry.OutcomeTag));
        Assert.Equal(403, span.GetTagItem(TelegramTelemetry.ErrorCodeTag));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.DoesNotContain(Values(span), v => v.Contains("blocked", StringComparison.Ordinal) || v.Contains(ChannelHarness.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retries_stay_inside_the_one_span_of_the_call()
    {
        _h.Api.EnqueueError("editMessageText", 502, "Bad Gateway");
        _h.Api.EnqueueError("editMessageText", 502, "Bad Gateway");

        var spans = await SpansOf(() => _h.Get<TelegramApi>().CallAsync("editMessageText", 1001, TelegramCallKind.Idempotent,
            (bot, token) => bot.EditMessageText(1001, 5, "x", cancellationToken: token), Ct));

        var span = Assert.Single(spans);
        Assert.Equal("ok", span.GetTagItem(TelegramTelemetry.OutcomeTag));
        Assert.Equal(3, span.GetTagItem(TelegramTelemetry.AttemptsTag));
    }

    [Fact]
    public async Task An_update_is_one_consumer_span_with_the_reply_calls_as_its_children()
    {
        _h.Assistant.OnMessage = _ => FakeAssistant.Reply(Core.Assistant.ReplyKind.Nothing, "nothing to do");

        var spans = await SpansOf(() => _h.Get<Updates.TelegramUpdateProcessor>().ProcessAsync(ChannelHarness.Message(1, ChannelHarness.Admin, "my secret words"), Ct));

        var update = Assert.Single(spans);
        Assert.Equal("telegram update", update.DisplayName);
        Assert.Equal(ActivityKind.Consumer, update.Kind);
        Assert.Equal("message", update.GetTagItem(TelegramTelemetry.UpdateKindTag));
        Assert.Contains(_stopped, a => a.ParentSpanId == update.SpanId && a.DisplayName == "sendMessage");
        Assert.DoesNotContain(Values(update), v => v.Contains("secret words", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_adapters_http_requests_are_marked_so_generic_http_spans_can_leave_their_urls_out()
    {
        await _h.Get<TelegramSender>().SendAsync(1001, OutgoingReply.Text("hello"), false, Ct);

        Assert.NotEmpty(_h.Api.Calls);
        Assert.Equal(0, _h.Api.Unmarked);
        Assert.False(TelegramTelemetry.IsBotApiRequest(new HttpRequestMessage(HttpMethod.Get, "http://example.test/")));
    }
}
