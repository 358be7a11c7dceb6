using System.Diagnostics;
using AiTradingBot.Storage.Tests.Redis;
using AiTradingBot.Telegram.Api;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Xunit;

namespace AiTradingBot.Host.Tests.Observability;

/// <summary>
/// The <c>run</c> host's own tracer provider: Bot API calls are spans of the Telegram source, and the generic HTTP
/// client spans (whose URL would carry the bot token) are left out for them.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TelegramTracingTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Bot_api_calls_are_traced_by_method_and_no_exported_span_carries_the_token()
    {
        var port = RedisTestServer.FreePort(); // nothing listens: every call fails fast with a refused connection
        const string token = "654321:traced-secret-token-value";
        await using var host = await TelemetryHost.StartAsync(new()
        {
            ["Telegram:BotToken"] = token,
            ["Telegram:ApiBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Telegram:AdminIds:0"] = "1001",
            ["Telegram:MaxRetries"] = "0",
        }, _ct);
        var exported = new List<Activity>();
        var provider = host.Get<TracerProvider>();
        provider.AddProcessor(new SimpleActivityExportProcessor(new InMemoryExporter<Activity>(exported)));

        await Assert.ThrowsAsync<TelegramApiException>(() => host.Get<TelegramApi>().CallAsync("getMe", null, TelegramCallKind.Idempotent,
            (bot, ct) => global::Telegram.Bot.TelegramBotClientExtensions.GetMe(bot, ct), _ct));
        provider.ForceFlush();

        List<Activity> spans;
        lock (exported) spans = [.. exported];
        // Start-up and readiness call getMe too: at least ours is there, each a failed client span of the Telegram source.
        var calls = spans.Where(a => a.Source.Name == TelegramTelemetry.Name && a.DisplayName == "getMe").ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal(("network_error", ActivityStatusCode.Error, ActivityKind.Client), (c.GetTagItem(TelegramTelemetry.OutcomeTag), c.Status, c.Kind)));
        Assert.DoesNotContain(spans, a => a.Source.Name == "System.Net.Http" && a.TagObjects.Any(t => t.Value?.ToString()?.Contains($":{port}", StringComparison.Ordinal) == true));
        Assert.All(spans, a => Assert.DoesNotContain(a.TagObjects, t => t.Value?.ToString()?.Contains("traced-secret-token", StringComparison.Ordinal) == true));
    }
}
