using System.Net;
using System.Text;
using AiTradingBot.Core;
using AiTradingBot.Core.Audit;
using AiTradingBot.Paper;
using AiTradingBot.Telegram.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Integration;

/// <summary>
/// Webhook mode on a real Kestrel endpoint: setWebhook with the secret goes to the emulator (through the shim, whose
/// relay adds the secret header the emulator leaves out), the emulator delivers a user's message, the bot answers.
/// Requests without the right header are posted directly and refused.
/// </summary>
public sealed class WebhookIntegrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Updates_with_the_secret_header_are_handled_and_others_are_rejected_unhandled()
    {
        var url = AiTradingBot.Testing.Integration.Require("ATB_TEST_TELEGRAM", "The Telegram Bot API emulator (telegram-test-api)");
        var token = TelegramTestHost.NewToken();
        var (store, audit) = TelegramTestHost.SharedState();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        var port = FreePort();
        builder.WebHost.UseKestrelCore().UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddRoutingCore();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Telegram:BotToken"] = token,
            ["Telegram:AdminIds:0"] = "1001",
            ["Telegram:ApiBaseUrl"] = url,
            ["Telegram:Mode"] = "webhook",
            ["Telegram:WebhookUrl"] = $"http://127.0.0.1:{port}/telegram/webhook",
            ["Telegram:WebhookSecret"] = "hook-Secret_1",
            ["Telegram:MaxMessagesPerSecondPerChat"] = "0",
            ["Storage:Ephemeral"] = "true",
        });
        builder.Services.AddSingleton<Core.Ports.IKeyValueStore>(store);
        builder.Services.AddSingleton<Core.Ports.IAuditLog>(audit);
        builder.Services.AddAiTradingBotCore(builder.Configuration);
        builder.Services.AddAiTradingBotPaper(builder.Configuration);
        builder.Services.AddAiTradingBotTelegram(builder.Configuration);
        builder.Services.AddHttpClient(Api.TelegramApi.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new AiTradingBot.Testing.TelegramEmulatorShim());
        await using var app = builder.Build();
        app.UseRouting();
        app.MapAiTradingBotTelegram();
        await app.StartAsync(Ct);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        using var user = new EmulatorClient(url, token);

        Assert.DoesNotContain(app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is Updates.TelegramPollingService);

        var update = $$$"""{"update_id":2000000005,"message":{"message_id":1,"from":{"id":1001,"is_bot":false,"username":"ann"},"chat":{"id":1001,"type":"private"},"date":{{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}}},"text":"/sitrep"}}""";
        using var noSecret = await http.PostAsync("/telegram/webhook", new StringContent(update, Encoding.UTF8, "application/json"), Ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Post, "/telegram/webhook") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        wrong.Headers.Add(TelegramEndpointRouteBuilderExtensions.SecretHeader, "hook-Secret_2");
        using var wrongSecret = await http.SendAsync(wrong, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, noSecret.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Empty(await audit.ReadRecentAsync(10, Ct));

        using var right = new HttpRequestMessage(HttpMethod.Post, "/telegram/webhook") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        right.Headers.Add(TelegramEndpointRouteBuilderExtensions.SecretHeader, "hook-Secret_1");
        using var accepted = await http.SendAsync(right, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);

        await user.WaitAsync(1001, m => m.Any(x => x.Text.Contains("SITREP")), Ct);
        Assert.Single(await audit.ReadRecentAsync(10, Ct), r => r.Text == "/sitrep" && r.Decision == AuditDecision.Executed);

        // The emulator itself delivers a user's message to the webhook set at start (with the secret, via the relay).
        await app.Services.GetRequiredService<Updates.TelegramStartupService>().Ready.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await user.SendTextAsync(1001, "/balance");
        await user.WaitAsync(1001, m => m.Any(x => x.Text.Contains("Balance")), Ct);
        Assert.Single(await audit.ReadRecentAsync(10, Ct), r => r.Text == "/balance");

        // Telegram retries a delivery it thinks failed: the same update id is not handled twice.
        using var again = new HttpRequestMessage(HttpMethod.Post, "/telegram/webhook") { Content = new StringContent(update, Encoding.UTF8, "application/json") };
        again.Headers.Add(TelegramEndpointRouteBuilderExtensions.SecretHeader, "hook-Secret_1");
        using var retried = await http.SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Single(await audit.ReadRecentAsync(10, Ct), r => r.Text == "/sitrep");
        await app.StopAsync(Ct);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
