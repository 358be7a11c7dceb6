using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Hosting.Observability;
using AiTradingBot.Storage.Tests.Redis;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit;

namespace AiTradingBot.Host.Tests.Observability;

[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>
/// Issue 22 against the real <c>run</c> host on loopback: the Prometheus scrape after commands, traces through the
/// in-memory exporter, the /metrics access rule and honest /healthz and /readyz.
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class ObservabilityTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    private static readonly Principal Admin = new("1001", "ann", UserRole.Admin);
    private static readonly Principal Stranger = new("666", "eve", UserRole.None);

    // The meter is process-wide and the exporter caches a scrape briefly: poll until the wanted value shows.
    private static async Task<string> ScrapeUntilAsync(TelemetryHost host, Func<string, bool> done, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        string scrape;
        do
        {
            scrape = await host.ScrapeAsync(ct);
            if (done(scrape)) return scrape;
            await Task.Delay(200, ct);
        }
        while (DateTime.UtcNow < deadline);
        return scrape;
    }

    [Fact]
    public async Task A_scrape_after_commands_shows_the_documented_names_labels_and_counts()
    {
        await using var host = await TelemetryHost.StartAsync([], _ct);
        var assistant = host.Get<IAssistant>();
        var before = await host.ScrapeAsync(_ct);
        var deniedBefore = TelemetryHost.Value(before, "aitradingbot_access_denied_total", ("channel", "telegram"));
        var confirmedBefore = TelemetryHost.Value(before, "aitradingbot_confirmations_total", ("outcome", "confirmed"));
        var doneBefore = TelemetryHost.Value(before, "aitradingbot_messages_total", ("channel", "telegram"), ("decision", "done"));

        var denied = await assistant.HandleAsync(new IncomingMessage("telegram", "-100", Stranger, "/sitrep"), _ct);
        Assert.Equal(ReplyKind.AccessDenied, denied.Kind);
        var card = await assistant.HandleAsync(new IncomingMessage("telegram", "-100", Admin, "buy 0.001 btc"), _ct);
        Assert.Equal(ReplyKind.AwaitingConfirmation, card.Kind);
        var confirmed = await assistant.ConfirmAsync(new ConfirmationRequest("telegram", "-100", Admin, card.Card!.Id), _ct);
        Assert.Equal(ReplyKind.Done, confirmed.Kind);

        var scrape = await ScrapeUntilAsync(host, s => TelemetryHost.Value(s, "aitradingbot_confirmations_total", ("outcome", "confirmed")) > confirmedBefore, _ct);
        Assert.Equal(deniedBefore + 1, TelemetryHost.Value(scrape, "aitradingbot_access_denied_total", ("channel", "telegram")));
        Assert.Equal(confirmedBefore + 1, TelemetryHost.Value(scrape, "aitradingbot_confirmations_total", ("outcome", "confirmed")));
        // The confirmation is a message on the channel that ran the plan.
        Assert.Equal(doneBefore + 1, TelemetryHost.Value(scrape, "aitradingbot_messages_total", ("channel", "telegram"), ("decision", "done")));
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_messages_total", ("channel", "telegram"), ("decision", "denied")) >= 1);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_messages_total", ("channel", "telegram"), ("decision", "awaiting")) >= 1);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_message_duration_seconds_count", ("channel", "telegram")) >= 3);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_steps_total", ("action", "order.place"), ("status", "succeeded")) >= 1, scrape);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_step_duration_seconds_bucket", ("action", "order.place"), ("le", "+Inf")) >= 1);
        // The confirmed paper order: one accepted order on the paper venue, timed.
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_orders_total", ("venue", "paper"), ("outcome", "accepted")) >= 1, scrape);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_order_duration_seconds_count", ("venue", "paper")) >= 1);
        // The gauges read cached state: not halted, and the demo systems' containers (refreshed in the background).
        scrape = await ScrapeUntilAsync(host, s => s.Contains("aitradingbot_systems_running", StringComparison.Ordinal) && s.Contains("aitradingbot_trading_halted", StringComparison.Ordinal), _ct);
        Assert.Equal(0, TelemetryHost.Value(scrape, "aitradingbot_trading_halted"));
        Assert.Contains("\naitradingbot_systems_running", scrape);
        // Runtime and HTTP server instrumentation are on; no secret-looking label value appears.
        Assert.Contains("http_server_request_duration_seconds", scrape);
        Assert.Contains("dotnet_", scrape);
        Assert.DoesNotContain("token", scrape.Split('\n').Where(l => !l.StartsWith('#')).SelectMany(l => l.Split('{').Skip(1)), StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_scrape_with_a_docker_host_and_a_model_shows_their_request_metrics()
    {
        var docker = Testing.Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API (scripts/servers/podman.sh)");
        await using var model = await AiTradingBot.Llm.Tests.ScriptedOpenAIServer.StartAsync();
        model.Responder = _ => AiTradingBot.Llm.Tests.ScriptedReply.Say("Send /sitrep for the situation.");
        await using var host = await TelemetryHost.StartAsync(new()
        {
            ["Docker:Endpoint"] = docker,
            ["Llm:Mode"] = "primary", ["Llm:Endpoint"] = model.Endpoint, ["Llm:Model"] = "scripted-model",
            ["Llm:Streaming"] = "false", ["Llm:TimeoutSeconds"] = "20",
        }, _ct);
        var before = await host.ScrapeAsync(_ct);
        var modelOk = TelemetryHost.Value(before, "aitradingbot_model_requests_total", ("outcome", "ok"));
        var dockerOk = TelemetryHost.Value(before, "aitradingbot_docker_requests_total", ("host", "default"), ("outcome", "ok"));

        var reply = await host.Get<IAssistant>().HandleAsync(new IncomingMessage("console", "scrape-model", Admin, "how are my bots doing, in your own words?"), _ct);
        Assert.NotEqual(ReplyKind.AccessDenied, reply.Kind);
        // The readiness check lists the managed containers on the Docker host.
        using (await host.Http.GetAsync("/readyz", _ct)) { }

        var scrape = await ScrapeUntilAsync(host, s => TelemetryHost.Value(s, "aitradingbot_model_requests_total", ("outcome", "ok")) > modelOk
            && TelemetryHost.Value(s, "aitradingbot_docker_requests_total", ("host", "default"), ("outcome", "ok")) > dockerOk, _ct);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_model_requests_total", ("outcome", "ok")) > modelOk, scrape);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_model_request_duration_seconds_count") >= 1);
        // The scripted server reports usage (100 prompt, 10 completion tokens) on every answer.
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_model_tokens_total", ("kind", "input")) >= 100, scrape);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_docker_requests_total", ("host", "default"), ("outcome", "ok")) > dockerOk, scrape);
        Assert.True(TelemetryHost.Value(scrape, "aitradingbot_docker_request_duration_seconds_count", ("host", "default")) >= 1);
    }

    [Fact]
    public async Task Each_message_is_one_activity_with_interpret_check_gate_and_a_child_per_step()
    {
        var exported = new List<Activity>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(AiTradingBotTelemetry.Name).AddInMemoryExporter(exported).Build();
        await using var host = await TelemetryHost.StartAsync([], _ct);
        var assistant = host.Get<IAssistant>();

        var reply = await assistant.HandleAsync(new IncomingMessage("console", "trace-test", Admin, "/sitrep"), _ct);
        Assert.Equal(ReplyKind.Done, reply.Kind);
        tracer!.ForceFlush();

        var message = Assert.Single(exported, a => a.OperationName == "message" && (string?)a.GetTagItem("aitradingbot.channel") == "console"
            && exported.Any(c => c.ParentSpanId == a.SpanId && c.OperationName == "interpret") && (string?)a.GetTagItem("aitradingbot.decision") == "done");
        var children = exported.Where(a => a.ParentSpanId == message.SpanId).Select(a => a.OperationName).ToList();
        Assert.Contains("interpret", children);
        Assert.Contains("check", children);
        Assert.Contains("execute", children);
        var execute = exported.Single(a => a.ParentSpanId == message.SpanId && a.OperationName == "execute");
        var steps = exported.Where(a => a.ParentSpanId == execute.SpanId).ToList();
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.StartsWith("step ", s.OperationName));
        // The audit row of that message carries its trace id.
        var audited = await host.Get<AiTradingBot.Core.Ports.IAuditLog>().ReadRecentAsync(20, _ct);
        Assert.Contains(audited, r => r.ChatId == "trace-test" && r.TraceId == message.TraceId.ToHexString());

        // A gated command: the card's span has a gate child.
        var card = await assistant.HandleAsync(new IncomingMessage("console", "trace-test", Admin, "buy 0.001 btc"), _ct);
        Assert.Equal(ReplyKind.AwaitingConfirmation, card.Kind);
        tracer.ForceFlush();
        var cardSpan = exported.Last(a => a.OperationName == "message" && (string?)a.GetTagItem("aitradingbot.decision") == "awaiting");
        Assert.Contains(exported, a => a.ParentSpanId == cardSpan.SpanId && a.OperationName == "gate");
    }

    [Fact]
    public void Only_loopback_addresses_count_as_local()
    {
        Assert.False(LoopbackOrAdminTokenMetricsAccess.IsLoopback(IPAddress.Parse("203.0.113.7")));
        Assert.False(LoopbackOrAdminTokenMetricsAccess.IsLoopback(IPAddress.Parse("::ffff:10.0.0.5")));
        Assert.False(LoopbackOrAdminTokenMetricsAccess.IsLoopback(null));
        Assert.True(LoopbackOrAdminTokenMetricsAccess.IsLoopback(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.True(LoopbackOrAdminTokenMetricsAccess.IsLoopback(IPAddress.IPv6Loopback));
    }

    [Fact]
    public async Task Metrics_for_a_remote_client_need_an_admin_api_token_and_a_viewer_token_is_forbidden()
    {
        const string adminToken = "metrics-admin-token-0123456789abcdef";
        const string viewerToken = "metrics-viewer-token-0123456789abcdef";
        await using var host = await TelemetryHost.StartAsync(new()
        {
            ["Web:ApiTokens:ops:Sha256"] = Sha256Hex(adminToken), ["Web:ApiTokens:ops:Role"] = "Admin", ["Web:ApiTokens:ops:UserId"] = "ops",
            ["Web:ApiTokens:wall:Sha256"] = Sha256Hex(viewerToken), ["Web:ApiTokens:wall:Role"] = "Viewer", ["Web:ApiTokens:wall:UserId"] = "wall",
        }, _ct);

        // A reverse proxy on this machine forwarding a remote client: the web channel's forwarded-headers handling
        // (loopback is the known proxy) makes the client's address the request's remote address.
        async Task<(HttpStatusCode Status, string Body, string Challenge)> ScrapeAsRemote(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await host.Http.SendAsync(request, _ct);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(_ct), response.Headers.WwwAuthenticate.ToString());
        }

        var anonymous = await ScrapeAsRemote(null);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Contains("Bearer", anonymous.Challenge);
        Assert.DoesNotContain("aitradingbot_", anonymous.Body);
        var unknown = await ScrapeAsRemote("not-a-configured-token");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.Status);
        var viewer = await ScrapeAsRemote(viewerToken);
        Assert.Equal(HttpStatusCode.Forbidden, viewer.Status);
        Assert.DoesNotContain("aitradingbot_", viewer.Body);
        var admin = await ScrapeAsRemote(adminToken);
        Assert.Equal(HttpStatusCode.OK, admin.Status);
        Assert.Contains("# TYPE", admin.Body);
        // A local scraper (Prometheus as a sidecar) needs no token; health stays public for orchestrators.
        using (var local = await host.Http.GetAsync("/metrics", _ct)) Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        using (var health = new HttpRequestMessage(HttpMethod.Get, "/healthz"))
        {
            health.Headers.Add("X-Forwarded-For", "203.0.113.7");
            using var answer = await host.Http.SendAsync(health, _ct);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
    }

    [Fact]
    public async Task Metrics_are_refused_to_a_caller_on_another_address_without_a_token_and_served_on_loopback()
    {
        // Through the real socket: the same host reached on this machine's own non-loopback address is a remote peer.
        var external = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(u => u.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (external is null) Assert.Skip("this machine has no non-loopback IPv4 address to call itself on");
        await using var host = await TelemetryHost.StartAsync(new() { ["Http:Urls"] = "http://0.0.0.0:0" }, _ct);
        var port = host.Http.BaseAddress!.Port;
        using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using (var ok = await local.GetAsync("/metrics", _ct)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        using var remoteClient = new HttpClient { BaseAddress = new Uri($"http://{external}:{port}") };
        using var refused = await remoteClient.GetAsync("/metrics", _ct);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        // Health stays public: orchestrators probe it from outside.
        using (var health = await remoteClient.GetAsync("/healthz", _ct)) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.DoesNotContain("aitradingbot_", await refused.Content.ReadAsStringAsync(_ct));
    }

    private static string Sha256Hex(string token) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token))).ToLowerInvariant();

    [Fact]
    public async Task Run_with_redis_on_a_closed_port_stays_up_not_ready_and_becomes_ready_when_redis_answers()
    {
        var port = RedisTestServer.FreePort();
        _ = Testing.Integration.Require("ATB_TEST_REDIS_SERVER", "A redis-server binary");
        await using var host = await TelemetryHost.StartAsync(new() { ["ConnectionStrings:Redis"] = $"127.0.0.1:{port},connectTimeout=1000" }, _ct);

        using (var live = await host.Http.GetAsync("/healthz", _ct)) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        using (var ready = await host.Http.GetAsync("/readyz", _ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(_ct)).RootElement;
            Assert.Equal("unhealthy", body.GetProperty("status").GetString());
            var redis = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "redis");
            Assert.Equal("unhealthy", redis.GetProperty("status").GetString());
            Assert.False(string.IsNullOrWhiteSpace(redis.GetProperty("reason").GetString()));
        }

        await using var server = await RedisTestServer.StartOnAsync(port);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        HttpStatusCode status;
        string last;
        do
        {
            using var ready = await host.Http.GetAsync("/readyz", _ct);
            status = ready.StatusCode;
            last = await ready.Content.ReadAsStringAsync(_ct);
            if (status == HttpStatusCode.OK) break;
            await Task.Delay(500, _ct);
        }
        while (DateTime.UtcNow < deadline);
        Assert.True(status == HttpStatusCode.OK, last);
        Assert.Contains("\"redis\"", last);
        Assert.False(host.App.Lifetime.ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task Readiness_names_a_telegram_api_that_does_not_answer_without_the_bot_token()
    {
        var port = RedisTestServer.FreePort();
        const string token = "123456:secret-token-value-for-the-test";
        await using var host = await TelemetryHost.StartAsync(new()
        {
            ["Telegram:BotToken"] = token,
            ["Telegram:ApiBaseUrl"] = $"http://127.0.0.1:{port}",
            ["Telegram:AdminIds:0"] = "1001",
        }, _ct);
        using var ready = await host.Http.GetAsync("/readyz", _ct);
        var text = await ready.Content.ReadAsStringAsync(_ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("\"telegram\"", text);
        Assert.Contains("Telegram:BotToken", text);
        Assert.DoesNotContain(token, text);
        Assert.DoesNotContain("secret-token-value", text);
    }

    [Fact]
    public void A_malformed_otlp_endpoint_stops_the_start_naming_the_setting()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Hosting.ServiceHost.Build(new Dictionary<string, string?>
        {
            ["Storage:Ephemeral"] = "true", ["Telemetry:OtlpEndpoint"] = "not a uri", ["Http:Urls"] = "http://127.0.0.1:0",
        }));
        Assert.Contains("Telemetry:OtlpEndpoint", e.Message);
    }
}
