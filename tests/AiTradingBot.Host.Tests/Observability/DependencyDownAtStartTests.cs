using System.Net;
using System.Text.Json;
using AiTradingBot.Bybit.Tests.Server;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Scheduling.Migrations;
using AiTradingBot.Scheduling.Tests.Support;
using AiTradingBot.Storage.Tests.Redis;
using Npgsql;
using Xunit;

namespace AiTradingBot.Host.Tests.Observability;

/// <summary>
/// Issue 22: <c>run</c> with a dependency that is down at start keeps serving, says which one in /readyz, and becomes
/// ready without a restart once the dependency answers (a real server appearing on the port that was closed).
/// </summary>
[Collection(nameof(TelemetryCollection))]
public sealed class DependencyDownAtStartTests
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Run_with_postgres_on_a_closed_port_stays_up_not_ready_and_migrates_and_becomes_ready_when_it_answers()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        // The scheduler's schemas come from the migrate service (run only checks them); the trading schema is left to
        // run's migration at start, which must happen once the database answers.
        await new SchedulerSchemaMigrator(database.ConnectionString, TimeProvider.System).MigrateAsync(_ct);
        var real = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var port = RedisTestServer.FreePort();
        var closed = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Host = "127.0.0.1", Port = port, Timeout = 2 };

        await using var host = await TelemetryHost.StartAsync(new() { ["ConnectionStrings:Postgres"] = closed.ConnectionString }, _ct);

        using (var live = await host.Http.GetAsync("/healthz", _ct)) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var (status, body) = await host.ReadinessAsync(_ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var postgres = Check(body, "postgres");
        Assert.Equal("unhealthy", postgres.GetProperty("status").GetString());
        Assert.Contains("ConnectionStrings:Postgres", postgres.GetProperty("reason").GetString());
        Assert.DoesNotContain(real.Username!, postgres.GetProperty("reason").GetString()!.Replace("postgres", "", StringComparison.Ordinal));

        // What needs the database (the halt state and the order journal behind a confirmed order) answers with a
        // clear error naming the setting, and nothing runs.
        var admin = new Principal("1001", "ann", UserRole.Admin);
        var assistant = host.Get<IAssistant>();
        var card = await assistant.HandleAsync(new IncomingMessage("console", "pg-down", admin, "buy 0.001 btc"), _ct);
        var reply = card.Card is { } c ? await assistant.ConfirmAsync(new ConfirmationRequest("console", "pg-down", admin, c.Id), _ct) : card;
        var text = string.Join("\n", reply.Messages);
        Assert.True(reply.Kind is ReplyKind.Error or ReplyKind.Refused, $"{reply.Kind}: {text}");
        Assert.Contains("ConnectionStrings:Postgres", text);

        await using (TcpForwarder.Start(port, real.Host!, real.Port))
        {
            (status, body) = await host.WaitForReadinessAsync(HttpStatusCode.OK, TimeSpan.FromSeconds(90), _ct);
            Assert.True(status == HttpStatusCode.OK, body);
            Assert.Equal("healthy", Check(body, "postgres").GetProperty("status").GetString());
            // run applied the trading schema once the database answered.
            Assert.True(await database.ScalarAsync<int>("SELECT coalesce(max(version), 0) FROM trading.schema_migrations") > 0);
            Assert.False(host.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        }
    }

    [Fact]
    public async Task Readiness_has_one_check_per_docker_host_and_a_host_that_comes_up_later_turns_ready_without_a_restart()
    {
        var shared = Testing.Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API (scripts/servers/podman.sh)");
        var real = new Uri(shared).AbsolutePath;
        var late = Path.Combine(Path.GetTempPath(), $"atb-late-{Guid.NewGuid():N}"[..20] + ".sock");
        await using var host = await TelemetryHost.StartAsync(new()
        {
            ["Docker:Endpoint"] = shared,
            ["Docker:Hosts:b:Endpoint"] = $"unix://{late}",
        }, _ct);

        using (var live = await host.Http.GetAsync("/healthz", _ct)) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var (status, body) = await host.ReadinessAsync(_ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("healthy", Check(body, "docker:default").GetProperty("status").GetString());
        var b = Check(body, "docker:b");
        Assert.Equal("unhealthy", b.GetProperty("status").GetString());
        Assert.Contains("Docker:Hosts:b:Endpoint", b.GetProperty("reason").GetString());
        Assert.DoesNotContain(JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "docker");

        // The second daemon appears at its configured socket (the real Podman API behind it).
        await using (TcpForwarder.StartUnix(late, real))
        {
            (status, body) = await host.WaitForReadinessAsync(HttpStatusCode.OK, TimeSpan.FromSeconds(60), _ct);
            Assert.True(status == HttpStatusCode.OK, body);
            Assert.Equal("healthy", Check(body, "docker:b").GetProperty("status").GetString());
            Assert.False(host.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        }
    }

    [Fact]
    public async Task Telegram_the_exchange_and_the_model_down_at_start_leave_run_up_not_ready_naming_each_and_ready_once_they_answer()
    {
        var emulator = new Uri(Testing.Integration.Require("ATB_TEST_TELEGRAM", "telegram-test-api (scripts/servers/telegram.sh)"));
        await using var bybit = await BybitTestServer.StartAsync();
        await using var model = await ModelListServer.StartAsync();
        int telegramPort = RedisTestServer.FreePort(), bybitPort = RedisTestServer.FreePort(), modelPort = RedisTestServer.FreePort();
        const string botToken = "424242:telegram-secret-token-value";
        const string modelKey = "sk-model-secret-key-value";
        var settings = bybit.Configuration();
        // A live exchange refuses demo systems: the real Docker API is configured (and up).
        settings["Docker:Endpoint"] = Testing.Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API (scripts/servers/podman.sh)");
        settings["Bybit:BaseUrl"] = $"http://127.0.0.1:{bybitPort}";
        settings["Bybit:WebSocketUrl"] = $"ws://127.0.0.1:{bybitPort}/v5/private";
        settings["Bybit:PublicWebSocketUrl"] = $"ws://127.0.0.1:{bybitPort}/v5/public";
        settings["Telegram:BotToken"] = botToken;
        settings["Telegram:ApiBaseUrl"] = $"http://127.0.0.1:{telegramPort}";
        settings["Telegram:AdminIds:0"] = "1001";
        settings["Llm:Mode"] = "fallback";
        settings["Llm:Endpoint"] = $"http://127.0.0.1:{modelPort}/v1";
        settings["Llm:Model"] = "test-model";
        settings["Llm:ApiKey"] = modelKey;
        await using var host = await TelemetryHost.StartAsync(settings, _ct);

        using (var live = await host.Http.GetAsync("/healthz", _ct)) Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var (status, body) = await host.ReadinessAsync(_ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        foreach (var (name, setting) in new[] { ("telegram", "Telegram:"), ("exchange", "Bybit:"), ("model", "Llm:Endpoint") })
        {
            var check = Check(body, name);
            Assert.Equal("unhealthy", check.GetProperty("status").GetString());
            Assert.Contains(setting, check.GetProperty("reason").GetString());
        }
        foreach (var secret in new[] { botToken, "telegram-secret-token", modelKey, BybitTestServer.ApiKey, BybitTestServer.ApiSecret })
            Assert.DoesNotContain(secret, body);

        await using (TcpForwarder.Start(telegramPort, emulator.Host, emulator.Port))
        await using (TcpForwarder.Start(bybitPort, bybit.BaseUrl.Host, bybit.BaseUrl.Port))
        await using (TcpForwarder.Start(modelPort, "127.0.0.1", model.Port))
        {
            (status, body) = await host.WaitForReadinessAsync(HttpStatusCode.OK, TimeSpan.FromSeconds(60), _ct);
            Assert.True(status == HttpStatusCode.OK, body);
            foreach (var name in new[] { "telegram", "exchange", "model" })
                Assert.Equal("healthy", Check(body, name).GetProperty("status").GetString());
            foreach (var secret in new[] { botToken, modelKey, BybitTestServer.ApiKey, BybitTestServer.ApiSecret })
                Assert.DoesNotContain(secret, body);
            // The model check sent the configured key to the model server, and only there.
            Assert.Contains($"Bearer {modelKey}", model.Authorizations);
            Assert.False(host.App.Lifetime.ApplicationStopping.IsCancellationRequested);
        }
    }

    [Fact]
    public async Task A_malformed_postgres_connection_string_still_stops_the_start_naming_the_setting()
    {
        var e = Assert.ThrowsAny<Exception>(() => Hosting.ServiceHost.Build(new Dictionary<string, string?>
        {
            ["Storage:Ephemeral"] = "true", ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Pasword=secret-pw;Nonsense=1", ["Http:Urls"] = "http://127.0.0.1:0",
        }));
        Assert.Contains("ConnectionStrings:Postgres", e.Message);
        Assert.DoesNotContain("secret-pw", e.Message);
    }

    internal static JsonElement Check(string body, string name) =>
        JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
}
