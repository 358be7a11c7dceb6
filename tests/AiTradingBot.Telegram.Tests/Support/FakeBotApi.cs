using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>
/// An in-memory Bot API for unit tests: records every call (method and JSON body) and answers from a script
/// (default: ok with a message for send methods, true otherwise).
/// </summary>
public sealed class FakeBotApi : HttpMessageHandler
{
    private long _nextMessageId = 100;

    /// <summary>Calls in order: method name and parsed JSON body (null for multipart).</summary>
    public ConcurrentQueue<(string Method, JsonObject? Body, string Url)> Calls { get; } = new();

    /// <summary>Scripted answers per method, used in order; when empty the default answer is given.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<Func<HttpResponseMessage>>> Script { get; } = new();

    /// <summary>Answers a call before the script when it returns a response (e.g. getUpdates honouring the offset).</summary>
    public Func<string, JsonObject?, HttpResponseMessage?>? Responder { get; set; }

    /// <summary>Queues an answer for a method.</summary>
    public void Enqueue(string method, Func<HttpResponseMessage> answer) => Script.GetOrAdd(method, _ => new()).Enqueue(answer);

    /// <summary>Queues a Telegram error.</summary>
    public void EnqueueError(string method, int code, string description, int? retryAfter = null) =>
        Enqueue(method, () => Json((HttpStatusCode)code, new JsonObject
        {
            ["ok"] = false,
            ["error_code"] = code,
            ["description"] = description,
            ["parameters"] = retryAfter is { } r ? new JsonObject { ["retry_after"] = r } : null,
        }));

    /// <summary>Raw multipart bodies of upload calls (sendPhoto, sendDocument), in order.</summary>
    public ConcurrentQueue<(string Method, string Body)> Uploads { get; } = new();

    /// <summary>Calls of one method.</summary>
    public List<JsonObject?> CallsOf(string method) => Calls.Where(c => c.Method == method).Select(c => c.Body).ToList();

    /// <summary>Requests that arrived without the adapter's Bot API mark (see TelegramTelemetry.BotApiRequest).</summary>
    public int Unmarked => _unmarked;

    private int _unmarked;

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (!AiTradingBot.Telegram.Api.TelegramTelemetry.IsBotApiRequest(request)) Interlocked.Increment(ref _unmarked);
        var url = request.RequestUri!.ToString();
        var method = url[(url.LastIndexOf('/') + 1)..];
        JsonObject? body = null;
        if (request.Content is { } content && content.Headers.ContentType?.MediaType == "application/json")
            body = JsonNode.Parse(await content.ReadAsStringAsync(ct))?.AsObject();
        else if (request.Content is { } multipart && multipart.Headers.ContentType?.MediaType == "multipart/form-data")
            Uploads.Enqueue((method, await multipart.ReadAsStringAsync(ct)));
        Calls.Enqueue((method, body, url));
        if (Responder?.Invoke(method, body) is { } custom) return custom;
        if (Script.TryGetValue(method, out var queue) && queue.TryDequeue(out var answer)) return answer();
        return method switch
        {
            "sendMessage" or "sendDocument" or "sendPhoto" or "editMessageText" or "editMessageReplyMarkup" => Json(HttpStatusCode.OK, new JsonObject
            {
                ["ok"] = true,
                ["result"] = new JsonObject
                {
                    ["message_id"] = method.StartsWith("edit", StringComparison.Ordinal) ? body?["message_id"]?.GetValue<long>() ?? 0 : Interlocked.Increment(ref _nextMessageId),
                    ["chat"] = new JsonObject { ["id"] = body?["chat_id"]?.GetValue<long>() ?? 0, ["type"] = "private" },
                    ["date"] = 0,
                    ["some_future_field"] = new JsonObject { ["nested"] = 1 },
                },
            }),
            "getUpdates" => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["result"] = new JsonArray() }),
            "getMe" => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["result"] = new JsonObject { ["id"] = 42, ["is_bot"] = true, ["username"] = "TestBot" } }),
            _ => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["result"] = true }),
        };
    }

    /// <summary>A JSON response.</summary>
    public static HttpResponseMessage Json(HttpStatusCode status, JsonNode body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    /// <summary>Raw text of a body for assertions.</summary>
    public static string Text(JsonObject? body) => body?.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) ?? "";
}
