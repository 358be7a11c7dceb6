using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiTradingBot.Hosting;
using AiTradingBot.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Web.Tests.Support;

/// <summary>
/// The real host (<see cref="ServiceHost"/>, the one <c>run</c> uses) on Kestrel at a free loopback port, with API
/// tokens for two admins and a viewer, Telegram users 1001 (admin) and 2002 (viewer), and embedded state.
/// </summary>
public sealed partial class TestHost : IAsyncDisposable
{
    public const long TelegramAdmin = 1001;
    public const long TelegramViewer = 2002;

    private TestHost(WebApplication app, Dictionary<string, string?> configuration)
    {
        App = app;
        Configuration = configuration;
    }

    public WebApplication App { get; }

    public Dictionary<string, string?> Configuration { get; }

    public Uri BaseAddress => new(App.Urls.First().TrimEnd('/') + "/");

    /// <summary>Bearer tokens by name: ops (admin), ops2 (another admin), watch (viewer).</summary>
    public Dictionary<string, string> Tokens { get; } = [];

    public static async Task<TestHost> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var tokens = new Dictionary<string, string> { ["ops"] = NewToken(), ["ops2"] = NewToken(), ["watch"] = NewToken() };
        var dataDir = Path.Combine(Path.GetTempPath(), "atbt-web-" + Guid.NewGuid().ToString("N")[..8]);
        var config = new Dictionary<string, string?>
        {
            ["Http:Urls"] = "http://127.0.0.1:0",
            ["Storage:Ephemeral"] = "true",
            ["Storage:DataDirectory"] = dataDir,
            ["Llm:Mode"] = "off",
            ["Telegram:AdminIds:0"] = TelegramAdmin.ToString(),
            ["Telegram:ViewerIds:0"] = TelegramViewer.ToString(),
            ["Web:ApiTokens:ops:Sha256"] = LoginLinks.Hash(tokens["ops"]),
            ["Web:ApiTokens:ops:Role"] = "Admin",
            ["Web:ApiTokens:ops:UserId"] = "ops",
            ["Web:ApiTokens:ops2:Sha256"] = LoginLinks.Hash(tokens["ops2"]),
            ["Web:ApiTokens:ops2:Role"] = "Admin",
            ["Web:ApiTokens:ops2:UserId"] = "ops2",
            ["Web:ApiTokens:watch:Sha256"] = LoginLinks.Hash(tokens["watch"]),
            ["Web:ApiTokens:watch:Role"] = "Viewer",
            ["Web:ApiTokens:watch:UserId"] = "watch",
            ["Web:LiveInterval"] = "00:00:00.5",
        };
        if (extra is not null)
            foreach (var (k, v) in extra) config[k] = v;
        var app = ServiceHost.Build(config);
        await app.StartAsync();
        var host = new TestHost(app, config);
        foreach (var (k, v) in tokens) host.Tokens[k] = v;
        return host;
    }

    /// <summary>A client with a bearer token (or none).</summary>
    public HttpClient Client(string? token = null)
    {
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens[token]);
        return http;
    }

    /// <summary>The line <c>run</c> prints: <c>Dashboard: http://…/login?token=…</c>.</summary>
    public Task<string> OperatorLineAsync() => App.Services.GetRequiredService<LoginLinks>().OperatorLineAsync(CancellationToken.None);

    /// <summary>A link for a Telegram user, as /web would give.</summary>
    public async Task<Uri> TelegramLinkAsync(long userId) =>
        await App.Services.GetRequiredService<Core.Ports.ILoginLinkIssuer>().IssueAsync(new Core.Assistant.Principal(userId.ToString(), "tg" + userId, Core.Assistant.UserRole.Admin), TimeSpan.FromMinutes(5), CancellationToken.None);

    /// <summary>A browser-like client with cookies, signed in through a link (GET page, POST its form).</summary>
    public async Task<CookieSession> SignInAsync(Uri link)
    {
        var session = new CookieSession(BaseAddress);
        var page = await session.Http.GetStringAsync(link);
        using var post = await session.PostFormAsync("/login", HiddenFields(page));
        if (post.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"sign-in answered {(int)post.StatusCode}: {await post.Content.ReadAsStringAsync()}");
        return session;
    }

    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenInput().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["n"].Value), m => WebUtility.HtmlDecode(m.Groups["v"].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<n>[^\"]+)\" value=\"(?<v>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    public static string TokenOf(string linkOrLine) => linkOrLine[(linkOrLine.IndexOf("token=", StringComparison.Ordinal) + 6)..].Trim();

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        if (Configuration["Storage:DataDirectory"] is { } d && Directory.Exists(d)) Directory.Delete(d, true);
    }
}

/// <summary>A cookie-carrying client (as a browser would be) for session tests.</summary>
public sealed partial class CookieSession : IDisposable
{
    public CookieSession(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = Cookies }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Http { get; }

    public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> fields) => Http.PostAsync(path, new FormUrlEncodedContent(fields));

    /// <summary>The antiforgery request token the dashboard page embeds (its sign-out form).</summary>
    public async Task<string> AntiforgeryTokenAsync()
    {
        var html = await Http.GetStringAsync("/");
        var m = System.Text.RegularExpressions.Regex.Match(html, "<meta name=\"atb-antiforgery\" content=\"([^\"]+)\"");
        return m.Success ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no antiforgery token on the page");
    }

    public async Task<HttpResponseMessage> PostJsonAsync(string path, object body, string? antiforgery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        if (antiforgery is not null) request.Headers.Add("X-CSRF-TOKEN", antiforgery);
        return await Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}

/// <summary>JSON helpers.</summary>
public static class Json
{
    public static async Task<JsonElement> ReadAsync(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone();
}
