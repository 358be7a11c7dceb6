using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AiTradingBot.Core;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Paper;
using AiTradingBot.Scheduling.Tests.Support;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AiTradingBot.Scheduling.Tests.Integration;

/// <summary>
/// The Hangfire Dashboard at /hangfire on a real Kestrel listening on every interface, reached over loopback and over
/// this machine's own non-loopback address (a remote peer as far as the server can tell).
/// </summary>
public sealed class DashboardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_local_request_gets_the_dashboard_a_non_local_one_gets_nothing()
    {
        await using var app = await StartAsync(null);
        var port = Port(app);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var local = await http.GetAsync($"http://127.0.0.1:{port}/hangfire/recurring", Ct);
        var page = await local.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        Assert.Contains("AiTradingBot scheduler", page);
        Assert.Contains("report:42:daily", page);

        var remote = NonLoopbackAddress();
        foreach (var path in new[] { "/hangfire", "/hangfire/recurring", "/hangfire/jobs/enqueued", "/hangfire/stats" })
        {
            using var refused = await http.GetAsync($"http://{remote}:{port}{path}", Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.DoesNotContain("report:42", await refused.Content.ReadAsStringAsync(Ct));
        }
        using var trigger = await http.PostAsync($"http://{remote}:{port}/hangfire/recurring/trigger", new FormUrlEncodedContent([new("jobs[]", "report:42:daily")]), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, trigger.StatusCode);

        // Through a reverse proxy on this host a stranger arrives from loopback: proxy headers make it non-local.
        using var proxied = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/hangfire/recurring");
        proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var viaProxy = await http.SendAsync(proxied, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, viaProxy.StatusCode);
        Assert.Null(LastTriggeredJob(app));
    }

    [Fact]
    public async Task A_viewer_sees_the_dashboard_read_only_and_an_admin_can_trigger_a_report()
    {
        var roles = new SwitchableRoles { Access = DashboardAccess.ReadOnly };
        await using var app = await StartAsync(roles);
        var port = Port(app);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var form = () => new FormUrlEncodedContent([new("jobs[]", "report:42:daily")]);

        using var page = await http.GetAsync($"http://127.0.0.1:{port}/hangfire/recurring", Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("report:42:daily", await page.Content.ReadAsStringAsync(Ct));
        using var readOnly = await http.PostAsync($"http://127.0.0.1:{port}/hangfire/recurring/trigger", form(), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, readOnly.StatusCode);
        Assert.Null(LastTriggeredJob(app));

        roles.Access = DashboardAccess.Full;
        using var admin = await http.PostAsync($"http://127.0.0.1:{port}/hangfire/recurring/trigger", form(), Ct);
        Assert.Equal(HttpStatusCode.NoContent, admin.StatusCode);
        Assert.NotNull(LastTriggeredJob(app));

        roles.Access = DashboardAccess.None;
        using var stranger = await http.GetAsync($"http://127.0.0.1:{port}/hangfire", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, stranger.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", null, DashboardAccess.Full)]
    [InlineData("::1", null, DashboardAccess.Full)]
    [InlineData("::ffff:127.0.0.1", null, DashboardAccess.Full)]
    [InlineData("203.0.113.7", null, DashboardAccess.None)]
    [InlineData("192.0.2.2", null, DashboardAccess.None)]
    [InlineData(null, null, DashboardAccess.None)]
    [InlineData("127.0.0.1", "X-Forwarded-For", DashboardAccess.None)]
    [InlineData("127.0.0.1", "Forwarded", DashboardAccess.None)]
    [InlineData("::1", "X-Real-IP", DashboardAccess.None)]
    public void Until_sign_in_lands_only_a_loopback_request_without_proxy_headers_is_local(string? remote, string? header, DashboardAccess expected)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        http.Connection.LocalIpAddress = remote is null ? null : IPAddress.Parse(remote); // Hangfire's own default would call this local
        if (header is not null) http.Request.Headers[header] = "203.0.113.7";

        Assert.Equal(expected, new LocalRequestsOnlyRoleResolver().Resolve(http));
    }

    private sealed class SwitchableRoles : IDashboardRoleResolver
    {
        public volatile DashboardAccess Access;

        public DashboardAccess Resolve(HttpContext http) => Access;
    }

    private static async Task<WebApplication> StartAsync(IDashboardRoleResolver? roles)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true", ["Exchange:Provider"] = "paper" });
        builder.WebHost.UseUrls("http://0.0.0.0:0");
        builder.Services.AddSingleton<IKeyValueStore>(new InMemoryKeyValueStore(TimeProvider.System));
        builder.Services.AddSingleton<INotificationChannel>(new RecordingChannel("web"));
        if (roles is not null) builder.Services.AddSingleton(roles); // the web sign-in's resolver, registered first
        builder.Services.AddAiTradingBotPaper(builder.Configuration);
        builder.Services.AddAiTradingBotScheduling(builder.Configuration);
        builder.Services.AddAiTradingBotCore(builder.Configuration);
        var app = builder.Build();
        app.UseAiTradingBotSchedulingDashboard();
        await app.Services.GetRequiredService<IReportScheduler>().ScheduleAsync(ReportKind.Daily, "0 8 * * *", "42", Ct);
        await app.StartAsync(Ct);
        return app;
    }

    private static int Port(WebApplication app) =>
        new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;

    /// <summary>The job the recurring job last made (a trigger from the dashboard sets it), null when none.</summary>
    private static string? LastTriggeredJob(WebApplication app)
    {
        var storage = app.Services.GetRequiredService<Infrastructure.SchedulerStorage>().GetAsync(Ct).GetAwaiter().GetResult();
        using var connection = storage.GetConnection();
        return Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection, ["report:42:daily"]).Single().LastJobId;
    }

    /// <summary>This machine's own non-loopback IPv4 address; the test needs one (every CI runner has one).</summary>
    private static string NonLoopbackAddress() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))?.ToString()
        ?? throw new InvalidOperationException("No non-loopback IPv4 address on this machine to make a non-local request from.");
}
