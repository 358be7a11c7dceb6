using System.Net;
using AiTradingBot.Web.Tests.Support;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary>
/// The Hangfire Dashboard at /hangfire goes through the web sign-in: nothing without a session or token (even from
/// loopback), look-only for viewers, everything for admins.
/// </summary>
public sealed class SchedulerDashboardAccessTests : IAsyncLifetime
{
    private TestHost _host = default!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/recurring")]
    [InlineData("/hangfire/stats")]
    public async Task A_request_without_a_session_gets_no_dashboard_even_from_loopback(string path)
    {
        using var http = _host.Client();
        using var r = await http.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        Assert.DoesNotContain("Hangfire", await r.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_wrong_token_gets_no_dashboard()
    {
        using var http = _host.Client();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-configured-token");
        using var r = await http.GetAsync("/hangfire", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
    }

    [Fact]
    public async Task An_admin_sees_the_dashboard_and_a_viewer_sees_it_read_only()
    {
        var ct = TestContext.Current.CancellationToken;
        using var admin = _host.Client("ops");
        using var adminPage = await admin.GetAsync("/hangfire/recurring", ct);
        Assert.Equal(HttpStatusCode.OK, adminPage.StatusCode);
        Assert.Contains("AiTradingBot scheduler", await adminPage.Content.ReadAsStringAsync(ct));

        using var viewer = _host.Client("watch");
        using var viewerPage = await viewer.GetAsync("/hangfire/recurring", ct);
        Assert.Equal(HttpStatusCode.OK, viewerPage.StatusCode);
        // Read-only: the commands that change jobs are refused to a viewer.
        using var trigger = await viewer.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "report:1:daily")]), ct);
        Assert.False(trigger.IsSuccessStatusCode, $"a viewer triggered a job: {(int)trigger.StatusCode}");
    }
}
