using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Ports;
using AiTradingBot.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary><c>POST /commands</c> → awaiting → <c>POST /confirmations/{id}</c>: only the asker, once; expired is 410; GETs change nothing.</summary>
public sealed class ConfirmationFlowTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> CommandAsync(HttpClient http, string text, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var r = await http.PostAsJsonAsync("/api/v1/commands", new { text }, Ct);
        Assert.Equal(expected, r.StatusCode);
        return await Json.ReadAsync(r);
    }

    [Fact]
    public async Task A_restart_waits_and_only_the_user_who_asked_can_confirm_it_once()
    {
        await using var host = await TestHost.StartAsync();
        using var ops = host.Client("ops");
        using var ops2 = host.Client("ops2");
        var resolved = new List<ConfirmationResolved>();
        using var _ = host.App.Services.GetRequiredService<ConfirmationEvents>().Subscribe((e, _) => { lock (resolved) resolved.Add(e); return Task.CompletedTask; });

        var awaiting = await CommandAsync(ops, "restart bravo");
        Assert.Equal("awaiting", awaiting.GetProperty("decision").GetString());
        var id = awaiting.GetProperty("confirmationId").GetString()!;
        var card = awaiting.GetProperty("card");
        Assert.Equal(id, card.GetProperty("id").GetString());
        Assert.Equal("system.restart", card.GetProperty("lines")[0].GetProperty("action").GetString());
        Assert.Contains("bravo", card.GetProperty("lines")[0].GetProperty("text").GetString());

        using (var r = await ops2.PostAsync($"/api/v1/confirmations/{id}", null, Ct))
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await ops2.DeleteAsync($"/api/v1/confirmations/{id}", Ct))
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);

        using (var r = await ops.PostAsync($"/api/v1/confirmations/{id}", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var done = await Json.ReadAsync(r);
            Assert.Equal("done", done.GetProperty("decision").GetString());
            var step = done.GetProperty("results")[0];
            Assert.Equal("system.restart", step.GetProperty("action").GetString());
            Assert.Equal("succeeded", step.GetProperty("status").GetString());
        }
        using (var r = await ops.PostAsync($"/api/v1/confirmations/{id}", null, Ct))
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);

        var audit = await host.App.Services.GetRequiredService<IAuditLog>().ReadRecentAsync(20, Ct);
        Assert.Contains(audit, a => a.ConfirmationId == id && a.Decision == Core.Audit.AuditDecision.Confirmed && a.UserId == "ops" && a.Channel == "web");
        var e = Assert.Single(resolved);
        Assert.Equal(id, e.ConfirmationId);
        Assert.Equal("web", e.Channel);
        Assert.Equal(Core.Assistant.ReplyKind.Done, e.Reply.Kind);
    }

    [Fact]
    public async Task A_cancelled_card_cannot_be_confirmed_afterwards()
    {
        await using var host = await TestHost.StartAsync();
        using var ops = host.Client("ops");
        var id = (await CommandAsync(ops, "stop charlie")).GetProperty("confirmationId").GetString()!;
        using (var r = await ops.DeleteAsync($"/api/v1/confirmations/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("cancelled", (await Json.ReadAsync(r)).GetProperty("decision").GetString());
        }
        using (var r = await ops.PostAsync($"/api/v1/confirmations/{id}", null, Ct))
            Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
    }

    [Fact]
    public async Task An_expired_confirmation_answers_410_and_runs_nothing()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Assistant:ConfirmationTtl"] = "00:00:05" });
        using var ops = host.Client("ops");
        var id = (await CommandAsync(ops, "restart bravo")).GetProperty("confirmationId").GetString()!;
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        using var r = await ops.PostAsync($"/api/v1/confirmations/{id}", null, Ct);
        Assert.Equal(HttpStatusCode.Gone, r.StatusCode);
        Assert.Equal("expired", (await Json.ReadAsync(r)).GetProperty("decision").GetString());
        var audit = await host.App.Services.GetRequiredService<IAuditLog>().ReadRecentAsync(20, Ct);
        Assert.DoesNotContain(audit, a => a.ConfirmationId == id && a.Decision == Core.Audit.AuditDecision.Confirmed);
    }

    [Fact]
    public async Task No_GET_changes_state_a_waiting_card_stays_waiting_and_nothing_is_audited()
    {
        await using var host = await TestHost.StartAsync();
        using var ops = host.Client("ops");
        var id = (await CommandAsync(ops, "stop bravo")).GetProperty("confirmationId").GetString()!;
        var auditLog = host.App.Services.GetRequiredService<IAuditLog>();
        var before = await auditLog.ReadRecentAsync(500, Ct);
        var systemsBefore = await ops.GetStringAsync("/api/v1/systems", Ct);

        foreach (var path in new[]
                 {
                     "/api/v1/systems", "/api/v1/systems/bravo/logs?lines=20&grep=a&since=1h", "/api/v1/portfolio/summary", "/api/v1/positions",
                     "/api/v1/orders", "/api/v1/trades?limit=5", "/api/v1/trades.csv", "/api/v1/pnl?period=all", "/api/v1/reports", "/api/v1/audit",
                     $"/api/v1/confirmations/{id}", "/", "/systems", "/portfolio", "/reports", "/audit", "/openapi/v1.json",
                 })
        {
            using var r = await ops.GetAsync(path, Ct);
            Assert.True((int)r.StatusCode < 500, $"{path}: {(int)r.StatusCode}");
        }

        var after = await auditLog.ReadRecentAsync(500, Ct);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(Running(systemsBefore), Running(await ops.GetStringAsync("/api/v1/systems", Ct)));
        using var confirm = await ops.PostAsync($"/api/v1/confirmations/{id}", null, Ct);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
    }

    private static string Running(string systemsJson) =>
        string.Join(",", JsonDocument.Parse(systemsJson).RootElement.EnumerateArray().Select(s => $"{s.GetProperty("name").GetString()}={s.GetProperty("running").GetBoolean()}"));

    [Fact]
    public async Task Secrets_are_masked_in_responses_and_audit()
    {
        const string secret = "sk-web-test-4f1b9c2d7e";
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Notifications:WebhookSecret"] = secret });
        using var ops = host.Client("ops");
        using var r = await ops.PostAsJsonAsync("/api/v1/commands", new { text = $"price {secret}" }, Ct);
        var body = await r.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(secret, body);
        var audit = await ops.GetStringAsync("/api/v1/audit?limit=50", Ct);
        Assert.DoesNotContain(secret, audit);
        foreach (var t in host.Tokens.Values) Assert.DoesNotContain(t, audit);
    }

    [Fact]
    public async Task Unknown_text_and_empty_bodies_get_a_clear_answer()
    {
        await using var host = await TestHost.StartAsync();
        using var ops = host.Client("ops");
        using (var r = await ops.PostAsJsonAsync("/api/v1/commands", new { text = "" }, Ct))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await ops.GetAsync("/api/v1/systems/nosuchsystem/logs", Ct))
        {
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
            Assert.Contains("nosuchsystem", await r.Content.ReadAsStringAsync(Ct));
        }
        using (var r = await ops.GetAsync("/api/v1/pnl?period=decade", Ct))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
    }
}
