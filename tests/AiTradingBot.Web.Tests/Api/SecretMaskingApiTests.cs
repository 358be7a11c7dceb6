using System.Net;
using System.Net.Http.Json;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;
using AiTradingBot.Web.Tests.Support;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary>
/// Each secret shape (an API secret, a connection-string password, a key ending in Token) configured on the real host
/// and echoed into a reply, an error message, an audit row and a container's log line comes back masked over REST.
/// </summary>
public sealed class SecretMaskingApiTests
{
    private const string ApiSecret = "bybit-secret-9f8e7d6c5b4a";
    private const string DbPassword = "pg-pass-7731xqz";
    private const string PagerToken = "pager-token-ABCDEFxyz42";
    private static readonly string[] Secrets = [ApiSecret, DbPassword, PagerToken];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> SecretSettings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bybit:ApiSecret"] = ApiSecret,
            // Not a store the host connects to: only its password matters here.
            ["ConnectionStrings:Analytics"] = $"Host=analytics.invalid;Username=atb;Password={DbPassword}",
            ["Alerts:PagerToken"] = PagerToken,
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        return settings;
    }

    private static void AssertMasked(string body)
    {
        foreach (var s in Secrets) Assert.DoesNotContain(s, body);
    }

    [Fact]
    public async Task Secrets_echoed_into_a_reply_an_error_and_the_audit_come_back_masked()
    {
        await using var host = await TestHost.StartAsync(SecretSettings());
        using var ops = host.Client("ops");
        foreach (var secret in Secrets)
        {
            using var r = await ops.PostAsJsonAsync("/api/v1/commands", new { text = $"show the logs of {secret}" }, Ct);
            var body = await r.Content.ReadAsStringAsync(Ct);
            AssertMasked(body);
            Assert.Contains("***", body);

            // The validation error quotes the unknown system name: masked too.
            using var logs = await ops.GetAsync($"/api/v1/systems/{Uri.EscapeDataString(secret)}/logs", Ct);
            Assert.Equal(HttpStatusCode.BadRequest, logs.StatusCode);
            var error = await logs.Content.ReadAsStringAsync(Ct);
            AssertMasked(error);
            Assert.Contains("***", error);
        }
        AssertMasked(await ops.GetStringAsync("/api/v1/audit?limit=100", Ct));
    }

    [Fact]
    public async Task A_sign_in_link_echoed_by_someone_else_is_masked_in_the_reply()
    {
        await using var host = await TestHost.StartAsync();
        var link = (await host.OperatorLineAsync())["Dashboard: ".Length..];
        var token = TestHost.TokenOf(link);
        using var ops = host.Client("ops");
        // Only the asker's own /web reply keeps its link; a link pasted into any other message is masked.
        using var r = await ops.PostAsJsonAsync("/api/v1/commands", new { text = $"show the logs of {link}" }, Ct);
        var body = await r.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(token, body);
        Assert.DoesNotContain(token, await ops.GetStringAsync("/api/v1/audit?limit=20", Ct));
    }

    [Fact]
    public async Task A_container_log_line_with_secrets_comes_back_masked()
    {
        var endpoint = Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
        var image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
        var name = $"atbt-wm-{Guid.NewGuid():N}"[..20];
        using var docker = new DockerEngineClient(new DockerOptions { Endpoint = endpoint });
        await docker.LaunchAsync(new LaunchRequest(name, image,
            ["/bin/sh", "-c", $"trap 'exit 0' TERM; echo 'connecting with {ApiSecret} {DbPassword} {PagerToken}'; while true; do sleep 1; done"],
            new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(2), "no"), Ct);
        try
        {
            await using var host = await TestHost.StartAsync(SecretSettings(new() { ["Docker:Endpoint"] = endpoint, ["Systems:alpha:Container"] = name }));
            using var ops = host.Client("ops");
            string body = "";
            // The line is written right after the start: poll rather than sleep on a loaded machine.
            for (var i = 0; i < 100 && !body.Contains("connecting with", StringComparison.Ordinal); i++)
            {
                body = await ops.GetStringAsync("/api/v1/systems/alpha/logs?lines=20", Ct);
                if (!body.Contains("connecting with", StringComparison.Ordinal)) await Task.Delay(200, Ct);
            }
            Assert.Contains("connecting with *** *** ***", body);
            AssertMasked(body);

            using var r = await ops.PostAsJsonAsync("/api/v1/commands", new { text = "show the last 20 lines of alpha's logs" }, Ct);
            var reply = await r.Content.ReadAsStringAsync(Ct);
            Assert.Contains("connecting with", reply);
            AssertMasked(reply);
        }
        finally
        {
            try { await docker.RemoveAsync(name, force: true, CancellationToken.None); }
            catch (ContainerRuntimeException) { }
        }
    }
}
