using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace AiTradingBot.Scheduling.Tests.Support;

/// <summary>The user side of telegram-test-api 4.2.1: send a user's message, read what the bot sent to a chat.</summary>
public sealed class TelegramEmulator(string baseUrl, string botToken) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A bot message: its id and text (HTML as sent).</summary>
    public sealed record BotMessage(long MessageId, string Text);

    /// <summary>A unique bot token, so tests share one emulator without seeing each other's messages.</summary>
    public static string NewToken() => $"{Random.Shared.NextInt64(100_000, 999_999_999)}:sched-{Guid.NewGuid():N}";

    /// <summary>Sends a text message from a user in their private chat.</summary>
    public async Task SendTextAsync(long userId, string text, CancellationToken ct)
    {
        var body = new JsonObject
        {
            ["botToken"] = botToken,
            ["from"] = new JsonObject { ["id"] = userId, ["is_bot"] = false, ["first_name"] = $"User{userId}", ["username"] = $"user{userId}" },
            ["chat"] = new JsonObject { ["id"] = userId, ["type"] = "private" },
            ["date"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["text"] = text,
        };
        using var response = await _http.PostAsync("sendMessage", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"), ct);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Messages the bot sent to a chat, oldest first.</summary>
    public async Task<IReadOnlyList<BotMessage>> BotMessagesAsync(long chatId, CancellationToken ct)
    {
        using var response = await _http.PostAsJsonAsync("getUpdatesHistory", new { token = botToken }, ct);
        response.EnsureSuccessStatusCode();
        var history = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["result"]!.AsArray();
        return history
            .Where(e => e!["message"]?["chat_id"] is { } c && c.ToString() == chatId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Select(e => new BotMessage(e!["messageId"]!.GetValue<long>(), e["message"]!["text"]?.ToString() ?? ""))
            .ToList();
    }

    /// <summary>Waits for the first bot message to a chat that matches, returning it and when it was first seen.</summary>
    public async Task<(BotMessage Message, DateTimeOffset SeenAt)> WaitForAsync(long chatId, Func<BotMessage, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        IReadOnlyList<BotMessage> messages = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            messages = await BotMessagesAsync(chatId, ct);
            if (messages.FirstOrDefault(match) is { } found) return (found, DateTimeOffset.UtcNow);
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"No matching bot message to chat {chatId} within {timeout}. Bot messages: {string.Join(" | ", messages.Select(m => m.Text))}");
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}
