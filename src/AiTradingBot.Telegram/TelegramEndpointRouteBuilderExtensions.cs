using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AiTradingBot.Telegram.Updates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Telegram.Bot;
using Telegram.Bot.Types;

namespace AiTradingBot.Telegram;

/// <summary>Maps the Telegram webhook endpoint; the host calls this unconditionally.</summary>
public static class TelegramEndpointRouteBuilderExtensions
{
    /// <summary>Secret header Telegram sends with every webhook request.</summary>
    public const string SecretHeader = "X-Telegram-Bot-Api-Secret-Token";

    /// <summary>
    /// Maps POST Telegram:WebhookPath when Telegram runs in webhook mode; does nothing otherwise. Requests without the
    /// right <c>X-Telegram-Bot-Api-Secret-Token</c> get 401 and are never handled.
    /// </summary>
    public static IEndpointRouteBuilder MapAiTradingBotTelegram(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetService<IOptions<TelegramOptions>>();
        if (endpoints.ServiceProvider.GetService<TelegramUpdateProcessor>() is null || options is null) return endpoints;
        var o = options.Value;
        if (o.Mode != TelegramMode.Webhook || string.IsNullOrEmpty(o.WebhookSecret)) return endpoints;
        // Hashes of equal length, so the comparison takes the same time whatever the caller sent.
        var secret = SHA256.HashData(Encoding.UTF8.GetBytes(o.WebhookSecret));

        endpoints.MapPost(o.WebhookPath, async (HttpContext http, TelegramUpdateProcessor processor, IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
        {
            var given = http.Request.Headers[SecretHeader].ToString();
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), secret))
            {
                loggers.CreateLogger("AiTradingBot.Telegram.Webhook").LogWarning("Rejected a webhook request from {Remote} without the right secret header", http.Connection.RemoteIpAddress);
                return Results.Unauthorized();
            }
            Update? update;
            try
            {
                // The library's own options: its converters (dates, enums, polymorphic types) bind the update as sent.
                update = await JsonSerializer.DeserializeAsync<Update>(http.Request.Body, JsonBotAPI.Options, http.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                return Results.BadRequest();
            }
            if (update is null) return Results.BadRequest();
            // Handled with the host's token, not the request's: Telegram hanging up must not cancel a confirmed order.
            await processor.ProcessAsync(update, lifetime.ApplicationStopping).ConfigureAwait(false);
            return Results.Ok();
        }).ExcludeFromDescription();
        return endpoints;
    }
}
