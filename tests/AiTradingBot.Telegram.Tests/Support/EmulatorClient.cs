using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AiTradingBot.Telegram.Tests.Support;

/// <summary>
/// The user side of telegram-test-api 4.2.1 (its client routes): send messages and button presses as a user, and read
/// what the bot sent from getUpdatesHistory, which keeps bot messages with their latest edits.
/// </summary>
public sealed class EmulatorClient(string baseUrl, string botToken) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A bot message as the emulator stores it.</summary>
    public sealed record BotMessage(long MessageId, long ChatId, string Text, JsonNode? ReplyMarkup, bool? DisableNotification)
    {
        /// <summary>Callback data of every inline button.</summary>
        public IReadOnlyList<string> Buttons => ReplyMarkup?["inline_keyboard"]?.AsArray().SelectMany(r => r!.AsArray()).Select(b => b!["callback_data"]!.GetValue<string>()).ToList() ?? [];
    }

    /// <summary>Sends a text message from a user in a chat (the user's private chat unless given).</summary>
    public Task SendTextAsync(long userId, string text, long? chatId = null, DateTimeOffset? date = null) => PostAsync("sendMessage", new JsonObject
    {
        ["botToken"] = botToken,
        ["from"] = User(userId),
        ["chat"] = new JsonObject { ["id"] = chatId ?? userId, ["type"] = chatId is null or > 0 ? "private" : "group" },
        ["date"] = (date ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(),
        ["text"] = text,
    });

    /// <summary>Presses an inline button of a bot message as a user.</summary>
    public Task PressAsync(long userId, BotMessage message, string data) => PostAsync("sendCallback", new JsonObject
    {
        ["botToken"] = botToken,
        ["from"] = User(userId),
        ["message"] = new JsonObject { ["message_id"] = message.MessageId, ["chat"] = new JsonObject { ["id"] = message.ChatId } },
        ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["data"] = data,
    });

    /// <summary>Raw getUpdatesHistory entries for this bot (user updates and bot messages, oldest first).</summary>
    public async Task<JsonArray> HistoryAsync(CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("getUpdatesHistory", new { token = botToken }, ct);
        response.EnsureSuccessStatusCode();
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!;
        return body["result"]!.AsArray();
    }

    /// <summary>Messages the bot sent to a chat, oldest first, with their current (edited) text and buttons.</summary>
    public async Task<IReadOnlyList<BotMessage>> BotMessagesAsync(long chatId, CancellationToken ct) =>
        (await HistoryAsync(ct))
            .Where(e => e!["message"]?["chat_id"] is { } c && c.ToString() == chatId.ToString())
            .Select(e => new BotMessage(
                e!["messageId"]!.GetValue<long>(),
                chatId,
                e["message"]!["text"]?.ToString() ?? "",
                e["message"]!["reply_markup"],
                e["message"]!["disable_notification"]?.GetValue<bool>()))
            .ToList();

    /// <summary>Waits until the bot's messages to a chat satisfy a condition; fails with what was there.</summary>
    public async Task<IReadOnlyList<BotMessage>> WaitAsync(long chatId, Func<IReadOnlyList<BotMessage>, bool> condition, CancellationToken ct, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        IReadOnlyList<BotMessage> messages = [];
        while (DateTime.UtcNow < deadline)
        {
            messages = await BotMessagesAsync(chatId, ct);
            if (condition(messages)) return messages;
            await Task.Delay(100, ct);
        }
        throw new TimeoutException($"Chat {chatId} did not reach the expected state in {seconds}s. Bot messages: " +
            JsonSerializer.Serialize(messages.Select(m => new { m.MessageId, m.Text, Buttons = m.Buttons })));
    }

    /// <summary>Update id the emulator gave the latest user update of a chat with this text.</summary>
    public async Task<long> UpdateIdOfAsync(string text, CancellationToken ct) =>
        (await HistoryAsync(ct)).Where(e => e!["message"]?["text"]?.ToString() == text && e["message"]?["chat"] is not null)
            .Select(e => e!["updateId"]!.GetValue<long>()).Last();

    private async Task PostAsync(string route, JsonObject body)
    {
        using var response = await _http.PostAsync(route, new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    private static JsonObject User(long id) => new() { ["id"] = id, ["is_bot"] = false, ["first_name"] = $"User{id}", ["username"] = $"user{id}" };

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
