using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace AiTradingBot.Testing;

/// <summary>
/// Test harness only: a <see cref="DelegatingHandler"/> for the bot's HttpClient that makes telegram-test-api 4.2.1
/// answer like the Bot API, so a client written to the real API (Telegram.Bot) works against it unchanged. It corrects
/// exactly the emulator's documented deviations (shared/design/peers.md) and nothing else:
/// <list type="bullet">
/// <item>dates of sent messages in milliseconds → seconds;</item>
/// <item><c>result: null</c> from editMessageText/ReplyMarkup → the edited message; from answerCallbackQuery,
/// deleteMessage, setWebhook, deleteWebhook → <c>true</c>;</item>
/// <item>methods the emulator lacks: sendPhoto and sendDocument (multipart, parsed, the file kept in
/// <see cref="BotState.Uploads"/>), setMyCommands and sendChatAction (kept in <see cref="BotState.Calls"/>); any other
/// unknown method's HTTP 500 <c>{"message"}</c> → the Bot API's <c>{"ok":false,"error_code","description"}</c>;</item>
/// <item>getUpdates ignoring offset/limit/timeout and marking everything read → updates are held here until an
/// offset above their id confirms them (ids below the offset that were never delivered are still delivered, as
/// Telegram does when it numbers again), at most <c>limit</c> a call, long polling up to <c>timeout</c>;</item>
/// <item>webhook deliveries without <c>X-Telegram-Bot-Api-Secret-Token</c> → setWebhook points the emulator at a
/// local relay that adds the header and forwards to the bot's URL.</item>
/// </list>
/// State is per emulator and token and shared by every shim instance, so a bot restarted within a test finds the
/// updates it had not confirmed, as with Telegram. Uses the BCL only (it is linked into every test project).
/// </summary>
public sealed class TelegramEmulatorShim : DelegatingHandler
{
    private static readonly ConcurrentDictionary<string, BotState> States = new();

    /// <summary>A shim over a fresh socket handler.</summary>
    public TelegramEmulatorShim() : base(new SocketsHttpHandler()) { }

    /// <summary>The shim's state for a bot on an emulator (base URL as configured, e.g. http://127.0.0.1:9001).</summary>
    public static BotState For(string emulatorUrl, string token) =>
        States.GetOrAdd(Key(new Uri(emulatorUrl.TrimEnd('/') + "/")) + token, _ => new BotState());

    /// <summary>A file the bot uploaded (sendPhoto, sendDocument).</summary>
    public sealed record Upload(string Method, long ChatId, long MessageId, string FileName, string? ContentType, byte[] Content, string? Caption, string? ParseMode);

    /// <summary>What the shim keeps for one bot.</summary>
    public sealed class BotState
    {
        internal readonly Lock Gate = new();
        internal readonly List<(long Id, JsonObject Update, bool Delivered)> Held = [];
        internal long NextMessageId = 1_000_000;
        internal WebhookRelay? Relay;

        /// <summary>Files the bot uploaded, in order.</summary>
        public ConcurrentQueue<Upload> Uploads { get; } = new();

        /// <summary>Calls the shim answered itself (setMyCommands, sendChatAction), with their JSON bodies.</summary>
        public ConcurrentQueue<(string Method, JsonObject Body)> Calls { get; } = new();

        /// <summary>Forgets held updates (the emulator was restarted and lost them too).</summary>
        public void ForgetHeldUpdates()
        {
            lock (Gate) Held.Clear();
        }
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        var uri = request.RequestUri!;
        var segments = uri.AbsolutePath.Trim('/').Split('/');
        if (segments.Length != 2 || !segments[0].StartsWith("bot", StringComparison.Ordinal)) return await base.SendAsync(request, ct).ConfigureAwait(false);
        var token = Uri.UnescapeDataString(segments[0][3..]);
        var method = segments[1];
        var state = States.GetOrAdd(Key(uri) + token, _ => new BotState());

        switch (method)
        {
            case "getUpdates":
                return await GetUpdatesAsync(request, state, ct).ConfigureAwait(false);
            case "sendPhoto":
            case "sendDocument":
                return await UploadAsync(method, request, state, ct).ConfigureAwait(false);
            case "setMyCommands":
            case "sendChatAction":
                state.Calls.Enqueue((method, await JsonBodyAsync(request, ct).ConfigureAwait(false)));
                return Ok(true);
            case "setWebhook":
                await RelayWebhookAsync(request, state, ct).ConfigureAwait(false);
                break;
        }

        var body = request.Content is null ? new JsonObject() : await JsonBodyAsync(request, ct).ConfigureAwait(false);
        using var response = await base.SendAsync(request, ct).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var answer = TryParse(text);
        if (answer?["ok"] is null)
        {
            // Unknown method: HTTP 500 {"message": …}; the Bot API answers 404 with its error envelope.
            var description = answer?["message"]?.GetValue<string>() ?? text;
            return Json(HttpStatusCode.NotFound, new JsonObject { ["ok"] = false, ["error_code"] = 404, ["description"] = "Not Found: " + description });
        }
        switch (method)
        {
            case "sendMessage":
                FixDate(answer["result"] as JsonObject);
                break;
            case "editMessageText" or "editMessageReplyMarkup" when answer["result"] is null:
                answer["result"] = EditedMessage(body);
                break;
            case "answerCallbackQuery" or "deleteMessage" or "setWebhook" or "deleteWebhook" when answer["result"] is null:
                answer["result"] = true;
                break;
        }
        return Json(response.StatusCode, answer);
    }

    private async Task<HttpResponseMessage> GetUpdatesAsync(HttpRequestMessage request, BotState state, CancellationToken ct)
    {
        var body = await JsonBodyAsync(request, ct).ConfigureAwait(false);
        var offset = body["offset"]?.GetValue<long>();
        var limit = Math.Clamp(body["limit"]?.GetValue<int>() ?? 100, 1, 100);
        var deadline = DateTime.UtcNow.AddSeconds(body["timeout"]?.GetValue<int>() ?? 0);
        while (true)
        {
            // The emulator hands out each update once, whatever the offset: fetch everything and hold it here.
            using (var fetch = new HttpRequestMessage(HttpMethod.Post, request.RequestUri) { Content = new StringContent("{}", Encoding.UTF8, "application/json") })
            using (var response = await base.SendAsync(fetch, ct).ConfigureAwait(false))
            {
                var fetched = TryParse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false))?["result"] as JsonArray ?? [];
                lock (state.Gate)
                    foreach (var update in fetched.OfType<JsonObject>())
                        state.Held.Add((update["update_id"]!.GetValue<long>(), (JsonObject)update.DeepClone(), false));
            }
            var result = new JsonArray();
            lock (state.Gate)
            {
                // An offset confirms the delivered updates below it; never-delivered ones stay (a new numbering).
                if (offset is { } o) state.Held.RemoveAll(h => h.Delivered && h.Id < o);
                for (var i = 0; i < state.Held.Count && result.Count < limit; i++)
                {
                    var held = state.Held[i];
                    if (offset is { } min && held.Id < min && held.Delivered) continue;
                    result.Add(held.Update.DeepClone());
                    state.Held[i] = held with { Delivered = true };
                }
            }
            if (result.Count > 0 || DateTime.UtcNow >= deadline) return Ok(result);
            await Task.Delay(100, ct).ConfigureAwait(false);
        }
    }

    private static async Task<HttpResponseMessage> UploadAsync(string method, HttpRequestMessage request, BotState state, CancellationToken ct)
    {
        var (fields, files) = await MultipartAsync(request, ct).ConfigureAwait(false);
        var fileField = method == "sendPhoto" ? "photo" : "document";
        if (!fields.TryGetValue("chat_id", out var chatText) || !long.TryParse(chatText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var chatId))
            return Error(400, "Bad Request: chat_id is empty");
        if (!fields.TryGetValue(fileField, out var reference) || !reference.StartsWith("attach://", StringComparison.Ordinal)
            || !files.TryGetValue(reference["attach://".Length..], out var file))
            return Error(400, $"Bad Request: there is no {fileField} in the request");
        fields.TryGetValue("caption", out var caption);
        fields.TryGetValue("parse_mode", out var parseMode);
        var messageId = Interlocked.Increment(ref state.NextMessageId);
        state.Uploads.Enqueue(new Upload(method, chatId, messageId, file.FileName, file.ContentType, file.Content, caption, parseMode));
        var fileId = $"shim-{messageId}";
        var message = new JsonObject
        {
            ["message_id"] = messageId,
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatId > 0 ? "private" : "group" },
        };
        if (caption is not null) message["caption"] = caption;
        message[fileField] = method == "sendPhoto"
            ? new JsonArray(new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = fileId, ["width"] = 0, ["height"] = 0, ["file_size"] = file.Content.Length })
            : new JsonObject { ["file_id"] = fileId, ["file_unique_id"] = fileId, ["file_name"] = file.FileName, ["mime_type"] = file.ContentType, ["file_size"] = file.Content.Length };
        return Ok(message);
    }

    private static async Task RelayWebhookAsync(HttpRequestMessage request, BotState state, CancellationToken ct)
    {
        var body = await JsonBodyAsync(request, ct).ConfigureAwait(false);
        if (body["url"]?.GetValue<string>() is not { Length: > 0 } url) return;
        var relay = state.Relay ??= new WebhookRelay();
        relay.Target = new Uri(url);
        relay.Secret = body["secret_token"]?.GetValue<string>();
        body["url"] = relay.Url;
        body.Remove("secret_token");
        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
    }

    // The emulator posts updates without the secret header; this relay adds it, as Telegram would send it.
    internal sealed class WebhookRelay
    {
        private readonly HttpListener _listener = new();
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

        public WebhookRelay()
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/relay/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(LoopAsync);
        }

        public string Url { get; }
        public Uri? Target { get; set; }
        public string? Secret { get; set; }

        private async Task LoopAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync().ConfigureAwait(false); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
                _ = Task.Run(() => ForwardAsync(context));
            }
        }

        private async Task ForwardAsync(HttpListenerContext context)
        {
            try
            {
                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var update = await reader.ReadToEndAsync().ConfigureAwait(false);
                using var forward = new HttpRequestMessage(HttpMethod.Post, Target) { Content = new StringContent(update, Encoding.UTF8, "application/json") };
                if (Secret is not null) forward.Headers.Add("X-Telegram-Bot-Api-Secret-Token", Secret);
                using var response = await _http.SendAsync(forward).ConfigureAwait(false);
                context.Response.StatusCode = (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                context.Response.StatusCode = 502;
            }
            context.Response.Close();
        }
    }

    private static JsonObject EditedMessage(JsonObject request)
    {
        var chatId = request["chat_id"]?.GetValue<long>() ?? 0;
        var message = new JsonObject
        {
            ["message_id"] = request["message_id"]?.GetValue<long>() ?? 0,
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["edit_date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["chat"] = new JsonObject { ["id"] = chatId, ["type"] = chatId > 0 ? "private" : "group" },
        };
        if (request["text"] is { } text) message["text"] = text.DeepClone();
        if (request["reply_markup"] is { } markup) message["reply_markup"] = markup.DeepClone();
        return message;
    }

    private static void FixDate(JsonObject? message)
    {
        if (message?["date"] is { } date && date.GetValue<long>() > 100_000_000_000) message["date"] = date.GetValue<long>() / 1000;
    }

    private static async Task<JsonObject> JsonBodyAsync(HttpRequestMessage request, CancellationToken ct)
    {
        if (request.Content is null || request.Content.Headers.ContentType?.MediaType != "application/json") return [];
        var text = await request.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        // Buffered, so the request can still be forwarded.
        var contentType = request.Content.Headers.ContentType;
        request.Content = new StringContent(text, Encoding.UTF8);
        request.Content.Headers.ContentType = contentType;
        return TryParse(text) as JsonObject ?? [];
    }

    private static async Task<(Dictionary<string, string> Fields, Dictionary<string, (string FileName, string? ContentType, byte[] Content)> Files)> MultipartAsync(
        HttpRequestMessage request, CancellationToken ct)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<string, (string, string?, byte[])>(StringComparer.Ordinal);
        var boundary = request.Content?.Headers.ContentType?.Parameters.FirstOrDefault(p => p.Name == "boundary")?.Value?.Trim('"');
        if (request.Content is null || boundary is null) return (fields, files);
        var bytes = await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var at = IndexOf(bytes, delimiter, 0);
        while (at >= 0)
        {
            var start = at + delimiter.Length;
            if (start + 2 <= bytes.Length && bytes[start] == '-' && bytes[start + 1] == '-') break;
            start += 2; // CRLF after the delimiter
            var next = IndexOf(bytes, delimiter, start);
            if (next < 0) break;
            var headersEnd = IndexOf(bytes, "\r\n\r\n"u8.ToArray(), start);
            if (headersEnd < 0 || headersEnd > next) break;
            var headers = Encoding.UTF8.GetString(bytes, start, headersEnd - start).Split("\r\n");
            var contentStart = headersEnd + 4;
            var content = bytes[contentStart..Math.Max(contentStart, next - 2)]; // CRLF before the delimiter
            var disposition = headers.FirstOrDefault(h => h.StartsWith("Content-Disposition:", StringComparison.OrdinalIgnoreCase)) ?? "";
            var name = Parameter(disposition, "name");
            var fileName = Parameter(disposition, "filename");
            var type = headers.FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?["Content-Type:".Length..].Trim();
            if (name is not null)
            {
                if (fileName is not null) files[name] = (fileName, type, content);
                else fields[name] = Encoding.UTF8.GetString(content);
            }
            at = next;
        }
        return (fields, files);
    }

    private static string? Parameter(string header, string name)
    {
        foreach (var part in header.Split(';').Skip(1))
        {
            var kv = part.Trim();
            if (!kv.StartsWith(name + "=", StringComparison.OrdinalIgnoreCase)) continue;
            var value = kv[(name.Length + 1)..].Trim();
            return value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
        }
        return null;
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        var found = haystack.AsSpan(from).IndexOf(needle);
        return found < 0 ? -1 : from + found;
    }

    private static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (System.Text.Json.JsonException) { return null; }
    }

    private static string Key(Uri uri) => uri.GetLeftPart(UriPartial.Authority) + "|";

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static HttpResponseMessage Ok(JsonNode result) => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["result"] = result });

    private static HttpResponseMessage Ok(bool result) => Json(HttpStatusCode.OK, new JsonObject { ["ok"] = true, ["result"] = result });

    private static HttpResponseMessage Error(int code, string description) =>
        Json((HttpStatusCode)code, new JsonObject { ["ok"] = false, ["error_code"] = code, ["description"] = description });

    private static HttpResponseMessage Json(HttpStatusCode status, JsonNode body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
}
