using System.Globalization;
using System.Net;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Ports;
using AiTradingBot.Web.Live;
using AiTradingBot.Web.Security;
using AiTradingBot.Web.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary>
/// Cards everywhere are one card, on real Kestrel: a card asked for on Telegram by user 111 is confirmed through the
/// REST API by a token or a session of user 111 (200, then 409) and refused for anyone else (403); a web card confirmed
/// on Telegram leaves the board the open pages show.
/// </summary>
public sealed class CrossChannelConfirmationTests
{
    private const long Asker = 111;
    private const string Group = "-4001";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Telegram:AdminIds:1"] = Asker.ToString(CultureInfo.InvariantCulture),
        // A script's token acting as Telegram user 111, and one acting as a named user.
        ["Web:ApiTokens:tg111:Sha256"] = LoginLinks.Hash(Tg111Token),
        ["Web:ApiTokens:tg111:Role"] = "Admin",
        ["Web:ApiTokens:tg111:UserId"] = "111",
    };

    private const string Tg111Token = "f3a1c0de5eed7ab1e0c0ffee111111111111111111111111";

    private static HttpClient BearerClient(TestHost host, string token)
    {
        var http = host.Client();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    // The Telegram channel hands the core this principal for user 111 writing in a group.
    private static async Task<string> AskOnTelegramAsync(TestHost host, string text)
    {
        var reply = await host.App.Services.GetRequiredService<IAssistant>()
            .HandleAsync(new IncomingMessage("telegram", Group, Principal.TelegramUser(Asker, "alice", UserRole.Admin), text), Ct);
        Assert.Equal(ReplyKind.AwaitingConfirmation, reply.Kind);
        return reply.Card!.Id;
    }

    private static async Task<HttpResponseMessage> ConfirmWithSessionAsync(CookieSession session, string id)
    {
        var antiforgery = await session.AntiforgeryTokenAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/confirmations/{id}");
        request.Headers.Add("X-CSRF-TOKEN", antiforgery);
        return await session.Http.SendAsync(request, Ct);
    }

    [Fact]
    public async Task A_telegram_card_is_confirmed_by_a_token_of_the_same_user_and_refused_for_other_users()
    {
        await using var host = await TestHost.StartAsync(Settings);
        var resolved = new List<ConfirmationResolved>();
        using var _ = host.App.Services.GetRequiredService<ConfirmationEvents>().Subscribe((e, _) => { lock (resolved) resolved.Add(e); return Task.CompletedTask; });
        var id = await AskOnTelegramAsync(host, "restart bravo");
        using var otherToken = host.Client("ops");
        using var otherTelegramUser = await host.SignInAsync(await host.TelegramLinkAsync(TestHost.TelegramAdmin));
        using var operatorSession = await host.SignInAsync(new Uri(host.BaseAddress, "login?token=" + TestHost.TokenOf(await host.OperatorLineAsync())));
        using var asker = BearerClient(host, Tg111Token);

        using (var r = await otherToken.PostAsync($"/api/v1/confirmations/{id}", null, Ct)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await otherToken.DeleteAsync($"/api/v1/confirmations/{id}", Ct)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await ConfirmWithSessionAsync(otherTelegramUser, id)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        using (var r = await ConfirmWithSessionAsync(operatorSession, id)) Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
        Assert.Empty(resolved);

        using (var r = await asker.PostAsync($"/api/v1/confirmations/{id}", null, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var done = await Json.ReadAsync(r);
            Assert.Equal("done", done.GetProperty("decision").GetString());
            Assert.Equal("succeeded", done.GetProperty("results")[0].GetProperty("status").GetString());
        }
        using (var r = await asker.PostAsync($"/api/v1/confirmations/{id}", null, Ct)) Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);

        // Where the card lives, so the Telegram channel edits it in the group; the web caller had its answer above.
        var e = Assert.Single(resolved);
        Assert.Equal((id, "telegram", Group, "111", "web"), (e.ConfirmationId, e.Channel, e.ChatId, e.UserId, e.ResolvedInChannel));
        var audit = await host.App.Services.GetRequiredService<IAuditLog>().ReadRecentAsync(50, Ct);
        Assert.Contains(audit, a => a.ConfirmationId == id && a.Decision == Core.Audit.AuditDecision.Confirmed && a.UserId == "111" && a.Channel == "web");
    }

    [Fact]
    public async Task A_telegram_card_is_confirmed_by_the_same_user_signed_in_with_their_web_link()
    {
        await using var host = await TestHost.StartAsync(Settings);
        var id = await AskOnTelegramAsync(host, "stop charlie");
        using var session = await host.SignInAsync(await host.TelegramLinkAsync(Asker));

        using (var r = await ConfirmWithSessionAsync(session, id))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal("done", (await Json.ReadAsync(r)).GetProperty("decision").GetString());
        }
        using (var r = await ConfirmWithSessionAsync(session, id)) Assert.Equal(HttpStatusCode.Conflict, r.StatusCode);
    }

    [Fact]
    public async Task A_telegram_card_past_its_expiry_is_gone_for_its_owner_on_the_web()
    {
        await using var host = await TestHost.StartAsync(new Dictionary<string, string?>(Settings) { ["Assistant:ConfirmationTtl"] = "00:00:05" });
        var id = await AskOnTelegramAsync(host, "stop charlie");
        using var asker = BearerClient(host, Tg111Token);
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);

        using (var r = await asker.PostAsync($"/api/v1/confirmations/{id}", null, Ct)) Assert.Equal(HttpStatusCode.Gone, r.StatusCode);
    }

    [Fact]
    public async Task A_telegram_card_shows_on_its_askers_page_only_and_leaves_it_when_confirmed_there()
    {
        await using var host = await TestHost.StartAsync(Settings);
        var board = host.App.Services.GetRequiredService<CardBoard>();
        var id = await AskOnTelegramAsync(host, "restart bravo");

        // One card everywhere: the asker's signed-in page lists the card asked for on Telegram; nobody else's does.
        Assert.Contains(board.For("telegram:111"), c => c.Id == id);
        Assert.DoesNotContain(board.For("telegram:222"), c => c.Id == id);
        Assert.DoesNotContain(board.For("local:web:operator"), c => c.Id == id);

        using var session = await host.SignInAsync(await host.TelegramLinkAsync(Asker));
        using (var r = await ConfirmWithSessionAsync(session, id)) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.False(board.Contains(id));
    }

    [Fact]
    public async Task A_web_card_confirmed_on_telegram_leaves_the_board_of_the_open_pages()
    {
        await using var host = await TestHost.StartAsync(Settings);
        using var session = await host.SignInAsync(await host.TelegramLinkAsync(Asker));
        var board = host.App.Services.GetRequiredService<CardBoard>();
        var changes = new List<(string Id, ConfirmationResolved? Resolved)>();
        board.Changed += (id, r) => { lock (changes) changes.Add((id, r)); };

        string id;
        using (var r = await session.PostJsonAsync("/api/v1/commands", new { text = "restart bravo" }, await session.AntiforgeryTokenAsync()))
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            id = (await Json.ReadAsync(r)).GetProperty("confirmationId").GetString()!;
        }
        Assert.Contains(board.For("telegram:111"), c => c.Id == id);

        // Typed on Telegram by the same person, in their private chat with the bot.
        var done = await host.App.Services.GetRequiredService<IAssistant>()
            .ConfirmAsync(new ConfirmationRequest("telegram", "111", Principal.TelegramUser(Asker, "alice", UserRole.Admin), id), Ct);

        Assert.Equal(ReplyKind.Done, done.Kind);
        Assert.False(board.Contains(id));
        Assert.DoesNotContain(board.For("telegram:111"), c => c.Id == id);
        lock (changes) Assert.Contains(changes, c => c.Id == id && c.Resolved is { ResolvedInChannel: "telegram", Reply.Kind: ReplyKind.Done });
    }

    [Fact]
    public void Web_identities_map_to_the_cores_user_keys()
    {
        Assert.Equal("telegram:111", WebUsers.KeyOf(new WebIdentity("111", "alice", WebIdentity.TelegramSource)));
        Assert.Equal("telegram:111", WebUsers.KeyOf(new WebIdentity("111", "111", WebIdentity.TokenSourcePrefix + "tg111")));
        Assert.NotEqual("telegram:111", WebUsers.KeyOf(new WebIdentity("ops", "ops", WebIdentity.TokenSourcePrefix + "ops")));
        // A token configured as "operator" is not the operator, and the operator is no Telegram user.
        Assert.NotEqual(WebUsers.KeyOf(WebIdentity.Operator), WebUsers.KeyOf(new WebIdentity("operator", "operator", WebIdentity.TokenSourcePrefix + "x")));
        Assert.DoesNotContain("telegram", WebUsers.KeyOf(WebIdentity.Operator));
    }
}
