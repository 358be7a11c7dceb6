using System.Net;
using System.Net.Http.Json;
using AiTradingBot.Web.Tests.Support;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary>Every route's authentication and authorization on the real host: 401 without credentials, 403 for a viewer's state change, 400 for a cookie POST without antiforgery.</summary>
public sealed class ApiAuthorizationTests : IAsyncLifetime
{
    private TestHost _host = default!;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/api/v1/systems" },
        { "GET", "/api/v1/systems/bravo/logs?lines=5" },
        { "GET", "/api/v1/portfolio/summary" },
        { "GET", "/api/v1/positions" },
        { "GET", "/api/v1/orders" },
        { "GET", "/api/v1/trades?limit=5" },
        { "GET", "/api/v1/trades.csv" },
        { "GET", "/api/v1/pnl?period=today" },
        { "GET", "/api/v1/charts/pnl.png" },
        { "GET", "/api/v1/reports" },
        { "GET", "/api/v1/audit?limit=5" },
        { "POST", "/api/v1/commands" },
        { "POST", "/api/v1/confirmations/ABCDEFGH" },
        { "DELETE", "/api/v1/confirmations/ABCDEFGH" },
        { "POST", "/api/v1/login-links" },
        { "GET", "/openapi/v1.json" },
        { "GET", "/api/docs" },
    };

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static HttpRequestMessage Request(string method, string path) => new(new HttpMethod(method), path)
    {
        Content = method == "GET" ? null : JsonContent.Create(new { text = "/sitrep" }),
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_answers_401_without_credentials(string method, string path)
    {
        using var http = _host.Client();
        using var r = await http.SendAsync(Request(method, path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_answers_401_to_an_unknown_bearer_token(string method, string path)
    {
        using var http = _host.Client();
        http.DefaultRequestHeaders.Authorization = new("Bearer", "not-a-configured-token");
        using var r = await http.SendAsync(Request(method, path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/systems")]
    [InlineData("GET", "/api/v1/systems/bravo/logs?lines=5")]
    [InlineData("GET", "/api/v1/portfolio/summary")]
    [InlineData("GET", "/api/v1/positions")]
    [InlineData("GET", "/api/v1/orders")]
    [InlineData("GET", "/api/v1/trades?limit=5")]
    [InlineData("GET", "/api/v1/pnl?period=week")]
    [InlineData("GET", "/api/v1/reports")]
    [InlineData("GET", "/openapi/v1.json")]
    public async Task A_viewer_may_read(string method, string path)
    {
        using var http = _host.Client("watch");
        using var r = await http.SendAsync(Request(method, path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Theory]
    [InlineData("GET", "/api/v1/audit?limit=5")]
    [InlineData("POST", "/api/v1/login-links")]
    [InlineData("GET", "/api/docs")]
    [InlineData("POST", "/api/v1/confirmations/ABCDEFGH")]
    [InlineData("DELETE", "/api/v1/confirmations/ABCDEFGH")]
    public async Task A_viewer_is_refused_admin_routes_with_403(string method, string path)
    {
        using var http = _host.Client("watch");
        using var r = await http.SendAsync(Request(method, path), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
    }

    [Fact]
    public async Task A_viewer_asking_for_a_state_change_gets_403_and_no_card()
    {
        using var http = _host.Client("watch");
        using var r = await http.PostAsJsonAsync("/api/v1/commands", new { text = "restart bravo" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        var body = await Json.ReadAsync(r);
        Assert.Equal("refused", body.GetProperty("decision").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("confirmationId").ValueKind);
    }

    [Fact]
    public async Task A_viewer_may_run_a_read_command()
    {
        using var http = _host.Client("watch");
        using var r = await http.PostAsJsonAsync("/api/v1/commands", new { text = "/sitrep" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var body = await Json.ReadAsync(r);
        Assert.Equal("done", body.GetProperty("decision").GetString());
        Assert.Equal("system.status", body.GetProperty("results")[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task A_cookie_session_posting_without_the_antiforgery_token_gets_400_and_with_it_200()
    {
        var line = await _host.OperatorLineAsync();
        using var session = await _host.SignInAsync(new Uri(line["Dashboard: ".Length..]));
        var ct = TestContext.Current.CancellationToken;

        using (var r = await session.PostJsonAsync("/api/v1/commands", new { text = "/sitrep" }, antiforgery: null))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await session.PostJsonAsync("/api/v1/commands", new { text = "/sitrep" }, antiforgery: "forged"))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        using (var r = await session.Http.DeleteAsync("/api/v1/confirmations/ABCDEFGH", ct))
            Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);

        var token = await session.AntiforgeryTokenAsync();
        using (var r = await session.PostJsonAsync("/api/v1/commands", new { text = "/sitrep" }, token))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // Reads need no token.
        using (var r = await session.Http.GetAsync("/api/v1/systems", ct))
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task A_bearer_post_needs_no_antiforgery_token()
    {
        using var http = _host.Client("ops");
        using var r = await http.PostAsJsonAsync("/api/v1/commands", new { text = "/sitrep" }, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task Pages_send_people_without_a_session_to_the_login_page()
    {
        using var http = _host.Client();
        using var r = await http.GetAsync("/systems", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/login", r.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_api_and_the_docs_fetch_nothing_from_the_internet()
    {
        using var http = _host.Client("ops");
        var doc = await http.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        foreach (var path in new[] { "/api/v1/systems", "/api/v1/commands", "/api/v1/confirmations/{id}", "/api/v1/login-links", "/api/v1/portfolio/summary" })
            Assert.Contains($"\"{path}\"", doc);
        var docs = await http.GetStringAsync("/api/docs/", TestContext.Current.CancellationToken);
        Assert.DoesNotMatch("<script[^>]+src=\"https?://", docs);
        Assert.DoesNotMatch("<link[^>]+href=\"https?://", docs);
    }
}
