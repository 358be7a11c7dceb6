using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Telegram.Api;

/// <summary>
/// A thin typed Bot API client for the methods the bot uses. 429 waits for retry_after, network errors and 5xx are
/// retried with backoff, other errors (400, 403) are thrown at once as <see cref="TelegramApiException"/>.
/// The token is part of every URL, so URLs are never logged and every error text is redacted.
/// </summary>
public sealed class TelegramBotClient
{
    /// <summary>Name of the HttpClient registered for Telegram (with its request loggers removed: they print URLs).</summary>
    public const string HttpClientName = "AiTradingBot.Telegram";

    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private readonly Func<HttpClient> _http;
    private readonly TelegramOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _token;
    private readonly string _baseUrl;

    /// <summary>Creates the client from DI (named HttpClient from the factory).</summary>
    public TelegramBotClient(IHttpClientFactory factory, IOptions<TelegramOptions> options, TimeProvider time, ILogger<TelegramBotClient> logger)
        : this(() => factory.CreateClient(HttpClientName), options.Value, time, logger)
    {
    }

    /// <summary>Creates the client over a given HttpClient (tests, benchmarks).</summary>
    public TelegramBotClient(HttpClient http, TelegramOptions options, TimeProvider time, ILogger logger)
        : this(() => http, options, time, logger)
    {
    }

    private TelegramBotClient(Func<HttpClient> http, TelegramOptions options, TimeProvider time, ILogger logger)
    {
        _http = http;
        _options = options;
        _time = time;
        _logger = logger;
        _token = options.BotToken ?? throw new ArgumentException("Telegram:BotToken is not set.", nameof(options));
        _baseUrl = options.ApiBaseUrl.TrimEnd('/');
    }

    /// <summary>The bot's own user (checks the token).</summary>
    public async Task<TelegramUser> GetMeAsync(CancellationToken ct) =>
        await CallAsync<TelegramUser>("getMe", new { }, ct) ?? throw new TelegramApiException("getMe", 0, "empty result");

    /// <summary>Updates after <paramref name="offset"/>, waiting up to <paramref name="timeoutSeconds"/> for one.</summary>
    public async Task<IReadOnlyList<TelegramUpdate>> GetUpdatesAsync(long? offset, int timeoutSeconds, IReadOnlyList<string>? allowedUpdates, CancellationToken ct) =>
        await CallAsync<List<TelegramUpdate>>("getUpdates", new { Offset = offset, Timeout = timeoutSeconds, AllowedUpdates = allowedUpdates }, ct,
            timeout: _options.RequestTimeout + TimeSpan.FromSeconds(timeoutSeconds)) ?? [];

    /// <summary>Sends an HTML message, optionally with inline buttons and without sound.</summary>
    public async Task<TelegramMessage> SendMessageAsync(long chatId, string html, InlineKeyboardMarkup? replyMarkup, bool disableNotification, CancellationToken ct) =>
        await CallAsync<TelegramMessage>("sendMessage", new
        {
            ChatId = chatId,
            Text = html,
            ParseMode = "HTML",
            ReplyMarkup = replyMarkup,
            DisableNotification = disableNotification ? true : (bool?)null,
            LinkPreviewOptions = new { IsDisabled = true },
        }, ct) ?? new TelegramMessage { Chat = new TelegramChat { Id = chatId } };

    /// <summary>Replaces the text (and buttons) of a message the bot sent.</summary>
    public Task EditMessageTextAsync(long chatId, long messageId, string html, InlineKeyboardMarkup? replyMarkup, CancellationToken ct) =>
        CallAsync<JsonElement>("editMessageText", new
        {
            ChatId = chatId,
            MessageId = messageId,
            Text = html,
            ParseMode = "HTML",
            ReplyMarkup = replyMarkup,
            LinkPreviewOptions = new { IsDisabled = true },
        }, ct);

    /// <summary>Replaces the inline buttons of a message (an empty markup removes them).</summary>
    public Task EditMessageReplyMarkupAsync(long chatId, long messageId, InlineKeyboardMarkup replyMarkup, CancellationToken ct) =>
        CallAsync<JsonElement>("editMessageReplyMarkup", new { ChatId = chatId, MessageId = messageId, ReplyMarkup = replyMarkup }, ct);

    /// <summary>Stops the button's spinner, optionally showing a short text or an alert.</summary>
    public Task AnswerCallbackQueryAsync(string callbackQueryId, string? text, bool showAlert, CancellationToken ct) =>
        CallAsync<JsonElement>("answerCallbackQuery", new { CallbackQueryId = callbackQueryId, Text = text, ShowAlert = showAlert ? true : (bool?)null }, ct);

    /// <summary>Deletes a message.</summary>
    public Task DeleteMessageAsync(long chatId, long messageId, CancellationToken ct) =>
        CallAsync<JsonElement>("deleteMessage", new { ChatId = chatId, MessageId = messageId }, ct);

    /// <summary>Tells Telegram to post updates to <paramref name="url"/> with the secret header.</summary>
    public Task SetWebhookAsync(string url, string? secretToken, IReadOnlyList<string>? allowedUpdates, CancellationToken ct) =>
        CallAsync<JsonElement>("setWebhook", new { Url = url, SecretToken = secretToken, AllowedUpdates = allowedUpdates }, ct);

    /// <summary>Removes the webhook (needed before getUpdates works).</summary>
    public Task DeleteWebhookAsync(bool dropPendingUpdates, CancellationToken ct) =>
        CallAsync<JsonElement>("deleteWebhook", new { DropPendingUpdates = dropPendingUpdates ? true : (bool?)null }, ct);

    /// <summary>Sets the command menu shown by Telegram clients.</summary>
    public Task SetMyCommandsAsync(IReadOnlyList<BotCommand> commands, CancellationToken ct) =>
        CallAsync<JsonElement>("setMyCommands", new { Commands = commands }, ct);

    /// <summary>Shows "typing…" (or another action) for about five seconds; best effort, never retried.</summary>
    public Task SendChatActionAsync(long chatId, string action, CancellationToken ct) =>
        CallAsync<JsonElement>("sendChatAction", new { ChatId = chatId, Action = action }, ct, retries: 0);

    /// <summary>Sends a file (multipart), e.g. a long log, with an optional HTML caption.</summary>
    public async Task<TelegramMessage> SendDocumentAsync(long chatId, string fileName, byte[] content, string? captionHtml, bool disableNotification, CancellationToken ct)
    {
        HttpContent Build()
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent(chatId.ToString(CultureInfo.InvariantCulture)), "chat_id" },
            };
            if (captionHtml is not null)
            {
                form.Add(new StringContent(captionHtml), "caption");
                form.Add(new StringContent("HTML"), "parse_mode");
            }
            if (disableNotification) form.Add(new StringContent("true"), "disable_notification");
            var file = new ByteArrayContent(content);
            file.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
            form.Add(file, "document", fileName);
            return form;
        }
        return await SendAsync<TelegramMessage>("sendDocument", Build, _options.MaxRetries, _options.RequestTimeout, ct)
            ?? new TelegramMessage { Chat = new TelegramChat { Id = chatId } };
    }

    /// <summary>Replaces the bot token in a text (for errors from lower layers).</summary>
    public string Redact(string text) => Redact(text, _token);

    /// <summary>Replaces a token in a text.</summary>
    public static string Redact(string text, string? token) =>
        string.IsNullOrEmpty(token) ? text : text.Replace(token, "<redacted>", StringComparison.Ordinal);

    private Task<T?> CallAsync<T>(string method, object payload, CancellationToken ct, int? retries = null, TimeSpan? timeout = null)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(payload, Json);
        return SendAsync<T>(method, () =>
        {
            var content = new ByteArrayContent(json);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return content;
        }, retries ?? _options.MaxRetries, timeout ?? _options.RequestTimeout, ct);
    }

    private async Task<T?> SendAsync<T>(string method, Func<HttpContent> content, int retries, TimeSpan timeout, CancellationToken ct)
    {
        var url = new Uri($"{_baseUrl}/bot{_token}/{method}");
        for (var attempt = 0; ; attempt++)
        {
            string body;
            int status;
            try
            {
                using var timeoutCts = new CancellationTokenSource(timeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeoutCts.Token);
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content() };
                using var response = await _http().SendAsync(request, HttpCompletionOption.ResponseContentRead, linked.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or IOException or OperationCanceledException)
            {
                var reason = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0.#}s" : Redact(e.Message);
                if (attempt >= retries) throw new TelegramApiException(method, 0, reason);
                var delay = Backoff(attempt);
                _logger.LogWarning("Telegram {Method} could not reach the server ({Reason}); retry {Attempt}/{Retries} in {Delay}", method, reason, attempt + 1, retries, delay);
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                continue;
            }

            var envelope = Parse<T>(body);
            if (status is >= 200 and < 300 && envelope is { Ok: true }) return envelope.Result;
            var code = envelope?.ErrorCode ?? status;
            var description = Redact(envelope?.Description ?? envelope?.Message ?? (body.Length > 200 ? body[..200] : body));
            if (code == 429 && attempt < retries)
            {
                var wait = TimeSpan.FromSeconds(Math.Max(1, envelope?.Parameters?.RetryAfter ?? 1));
                if (wait > _options.MaxRetryAfter) throw new TelegramApiException(method, code, description);
                _logger.LogWarning("Telegram {Method} is rate limited; waiting {RetryAfter} as asked", method, wait);
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                continue;
            }
            if (code >= 500 && attempt < retries)
            {
                var delay = Backoff(attempt);
                _logger.LogWarning("Telegram {Method} answered {Code}; retry {Attempt}/{Retries} in {Delay}", method, code, attempt + 1, retries, delay);
                await Task.Delay(delay, _time, ct).ConfigureAwait(false);
                continue;
            }
            throw new TelegramApiException(method, code, description);
        }
    }

    private TimeSpan Backoff(int attempt) => _options.RetryBaseDelay * Math.Pow(2, Math.Min(attempt, 6));

    private static TelegramResponse<T>? Parse<T>(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            return JsonSerializer.Deserialize<TelegramResponse<T>>(body, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
