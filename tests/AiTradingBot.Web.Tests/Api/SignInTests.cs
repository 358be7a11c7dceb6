using System.Net;
using System.Net.Http.Json;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Ports;
using AiTradingBot.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary>Single-use sign-in links: GET shows the button and spends nothing, the POST spends the token once; cookie flags; rate limit; roles re-read per request.</summary>
public sealed class SignInTests : IAsyncLifetime
{
    private TestHost _host = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync(new Dictionary<string, string?> { ["Web:MaxFailedSignIns"] = "3" });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task The_printed_line_has_a_long_url_safe_token_for_this_host()
    {
        var line = await _host.OperatorLineAsync();
        Assert.StartsWith($"Dashboard: {_host.BaseAddress}login?token=", line);
        var token = TestHost.TokenOf(line);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token); // 256 bits, base64url
    }

    [Fact]
    public async Task Get_only_shows_the_sign_in_button_and_the_post_spends_the_token_once()
    {
        var link = new Uri((await _host.OperatorLineAsync())["Dashboard: ".Length..]);
        using var preview = _host.Client();
        // A link preview fetches the page twice: nothing is spent.
        for (var i = 0; i < 2; i++)
        {
            var page = await preview.GetStringAsync(link, Ct);
            Assert.Contains("data-testid=\"sign-in\"", page);
        }

        using var session = await _host.SignInAsync(link);
        var cookie = session.Cookies.GetCookies(_host.BaseAddress)["atb.session"];
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        using (var r = await session.Http.GetAsync("/api/v1/systems", Ct))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // The same link again: refused.
        using var again = new CookieSession(_host.BaseAddress);
        var form = TestHost.HiddenFields(await again.Http.GetStringAsync(link, Ct));
        using var second = await again.PostFormAsync("/login", form);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Contains("already used", await second.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_and_SameSite_Strict()
    {
        var link = new Uri((await _host.OperatorLineAsync())["Dashboard: ".Length..]);
        using var browser = new CookieSession(_host.BaseAddress);
        var form = TestHost.HiddenFields(await browser.Http.GetStringAsync(link, Ct));
        using var r = await browser.PostFormAsync("/login", form);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/", r.Headers.Location?.OriginalString);
        var setCookie = Assert.Single(r.Headers.GetValues("Set-Cookie"), c => c.StartsWith("atb.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("expires=", setCookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_sign_in_post_without_antiforgery_is_400_and_does_not_spend_the_token()
    {
        var link = new Uri((await _host.OperatorLineAsync())["Dashboard: ".Length..]);
        using var browser = new CookieSession(_host.BaseAddress);
        using (var r = await browser.PostFormAsync("/login", new() { ["token"] = TestHost.TokenOf(link.ToString()) }))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using var session = await _host.SignInAsync(link);
    }

    [Fact]
    public async Task Failed_sign_ins_are_audited_and_rate_limited()
    {
        using var browser = new CookieSession(_host.BaseAddress);
        var form = TestHost.HiddenFields(await browser.Http.GetStringAsync("/login?token=guess", Ct));
        for (var i = 0; i < 3; i++)
        {
            form["token"] = "guess-" + i;
            using var r = await browser.PostFormAsync("/login", form);
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        }
        // Even a valid link is refused while the address is blocked.
        var valid = TestHost.TokenOf(await _host.OperatorLineAsync());
        form["token"] = valid;
        using (var r = await browser.PostFormAsync("/login", form))
            Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode);

        var audit = await _host.App.Services.GetRequiredService<IAuditLog>().ReadRecentAsync(50, Ct);
        var failures = audit.Where(a => a.Channel == "web" && a.Decision == AuditDecision.Refused && a.Text.Contains("sign-in", StringComparison.Ordinal)).ToList();
        Assert.True(failures.Count >= 4, $"{failures.Count} failures audited");
        Assert.All(audit, a => Assert.DoesNotContain("guess-", a.Text + string.Join(" ", a.Reasons)));
        Assert.All(audit, a => Assert.DoesNotContain(valid, a.Text + string.Join(" ", a.Reasons)));
    }

    [Fact]
    public async Task A_telegram_users_role_is_read_again_on_every_request()
    {
        using var admin = await _host.SignInAsync(await _host.TelegramLinkAsync(TestHost.TelegramAdmin));
        using (var r = await admin.Http.GetAsync("/api/v1/audit", Ct))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        using var viewer = await _host.SignInAsync(await _host.TelegramLinkAsync(TestHost.TelegramViewer));
        using (var r = await viewer.Http.GetAsync("/api/v1/audit", Ct))
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await viewer.Http.GetAsync("/api/v1/systems", Ct))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        // Remove the admin from the configuration: the next request is unauthenticated.
        _host.App.Configuration["Telegram:AdminIds:0"] = "999999";
        using (var r = await admin.Http.GetAsync("/api/v1/systems", Ct))
            Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Fact]
    public async Task An_admin_can_ask_for_a_fresh_link_for_themselves()
    {
        using var ops = _host.Client("ops");
        using var r = await ops.PostAsync("/api/v1/login-links", null, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var url = (await Json.ReadAsync(r)).GetProperty("url").GetString()!;
        using var session = await _host.SignInAsync(new Uri(url));
        using var audit = await session.Http.GetAsync("/api/v1/audit", Ct);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
        Assert.DoesNotContain(TestHost.TokenOf(url), await audit.Content.ReadAsStringAsync(Ct));
    }
}
