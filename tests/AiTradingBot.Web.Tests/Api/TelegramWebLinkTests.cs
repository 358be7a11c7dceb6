using System.Net;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary><c>/web</c> through the pipeline as the Telegram channel sends it: a link bound to that user, valid 5 minutes, never audited.</summary>
public sealed class TelegramWebLinkTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Slash_web_on_telegram_answers_a_single_use_link_bound_to_the_asking_user()
    {
        await using var host = await TestHost.StartAsync();
        var assistant = host.App.Services.GetRequiredService<IAssistant>();
        var viewer = new Principal(TestHost.TelegramViewer.ToString(), "watcher", UserRole.Viewer);
        var reply = await assistant.HandleAsync(new IncomingMessage("telegram", viewer.UserId, viewer, "/web"), Ct);

        Assert.Equal(ReplyKind.Done, reply.Kind);
        var result = Assert.IsType<DashboardLinkResult>(Assert.Single(reply.Outcome!.Steps).Result);
        Assert.InRange(result.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.Contains(result.Url.ToString(), new ReplyRenderer(HtmlMarkup.Instance).Render(reply));

        using var session = await host.SignInAsync(result.Url);
        using (var r = await session.Http.GetAsync("/api/v1/systems", Ct)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // Signed in as that viewer: admin routes stay closed.
        using (var r = await session.Http.GetAsync("/api/v1/audit", Ct)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);

        var token = TestHost.TokenOf(result.Url.ToString());
        var audit = await host.App.Services.GetRequiredService<IAuditLog>().ReadRecentAsync(100, Ct);
        Assert.Contains(audit, a => a.Channel == "telegram" && a.Text == "/web");
        Assert.All(audit, a => Assert.DoesNotContain(token, System.Text.Json.JsonSerializer.Serialize(a)));
    }

    [Fact]
    public async Task Slash_web_elsewhere_says_where_to_get_a_link()
    {
        await using var host = await TestHost.StartAsync();
        var assistant = host.App.Services.GetRequiredService<IAssistant>();
        var op = new Principal("local", "operator", UserRole.Admin);
        var reply = await assistant.HandleAsync(new IncomingMessage("console", "local", op, "/web"), Ct);
        var step = Assert.Single(reply.Outcome!.Steps);
        Assert.Equal(StepStatus.Failed, step.Status);
        Assert.Contains("Telegram", step.Error);
    }
}
