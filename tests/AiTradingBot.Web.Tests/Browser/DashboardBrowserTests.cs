using System.Net;
using System.Net.Http.Json;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using AiTradingBot.Testing;
using AiTradingBot.Web.Tests.Support;
using OpenQA.Selenium;
using Xunit;

namespace AiTradingBot.Web.Tests.Browser;

/// <summary>
/// The dashboard in real Chromium against the real host, whose systems alpha and bravo are Podman containers made
/// for the test (scripts/servers/podman.sh). Screenshots of each page are saved as artifacts.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private readonly string _alpha = $"atbt-wa-{Guid.NewGuid():N}"[..20];
    private readonly string _bravo = $"atbt-wb-{Guid.NewGuid():N}"[..20];
    private DockerEngineClient _docker = default!;
    private TestHost _host = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var endpoint = Integration.Require("ATB_TEST_DOCKER", "Podman's Docker-compatible API");
        var image = Integration.Require("ATB_TEST_DOCKER_IMAGE", "The busybox test image");
        _docker = new DockerEngineClient(new DockerOptions { Endpoint = endpoint, StatsSampleMilliseconds = 200 });
        foreach (var name in new[] { _alpha, _bravo })
            await _docker.LaunchAsync(new LaunchRequest(name, image,
                ["/bin/sh", "-c", $"trap 'exit 0' TERM; echo '{name} up <b>not bold</b> & <script>x</script>'; while true; do sleep 0.2; done"],
                new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(2), "no"), Ct);
        _host = await TestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Docker:Endpoint"] = endpoint,
            ["Docker:StatsSampleMilliseconds"] = "200",
            ["Systems:alpha:Container"] = _alpha,
            ["Systems:bravo:Container"] = _bravo,
            ["Assistant:StopTimeoutSeconds"] = "2",
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        foreach (var name in new[] { _alpha, _bravo })
        {
            try { await _docker.RemoveAsync(name, force: true, CancellationToken.None); }
            catch (ContainerRuntimeException) { /* never created */ }
        }
        _docker?.Dispose();
    }

    private static void SignIn(Browser browser, Uri link)
    {
        browser.Go(link);
        browser.ByTestId("sign-in").Click();
        browser.WaitFor(d => d.FindElements(By.CssSelector("[data-testid='command-input']")).FirstOrDefault(), "the dashboard after sign-in");
    }

    private static Uri LinkOf(string line) => new(line["Dashboard: ".Length..]);

    private static void Send(Browser browser, string text)
    {
        var input = browser.ByTestId("command-input");
        input.Clear();
        input.SendKeys(text);
        input.SendKeys(Keys.Enter);
    }

    [Fact]
    public async Task The_printed_link_signs_in_once_and_the_overview_lists_the_podman_systems_live()
    {
        var link = LinkOf(await _host.OperatorLineAsync());
        using var browser = Browser.Start();
        SignIn(browser, link);
        browser.WaitUntil(_ => browser.SystemRow("alpha")?.GetAttribute("data-state") == "running" && browser.SystemRow("bravo")?.GetAttribute("data-state") == "running",
            "alpha and bravo running on the overview");
        Assert.Contains(_bravo, browser.SystemRow("bravo")!.Text);
        Assert.Contains("PAPER", browser.ByTestId("mode").Text);
        browser.Screenshot("overview");

        // A container stopped behind the dashboard's back shows up on the open page.
        await _docker.StopAsync(_alpha, TimeSpan.FromSeconds(2), Ct);
        browser.WaitUntil(_ => browser.SystemRow("alpha")?.GetAttribute("data-state") != "running", "alpha shown as stopped", TimeSpan.FromSeconds(20));
        await _docker.StartAsync(_alpha, Ct);

        // The link is spent: a second browser gets the refusal.
        using var other = Browser.Start();
        other.Go(link);
        other.ByTestId("sign-in").Click();
        other.WaitUntil(d => d.PageSource.Contains("already used", StringComparison.Ordinal), "the spent-link message");
        Assert.Empty(other.Driver.FindElements(By.CssSelector("[data-testid='command-input']")));
    }

    [Fact]
    public async Task Restart_bravo_in_the_command_box_shows_a_card_and_confirm_restarts_the_container()
    {
        var before = await _docker.InspectAsync(_bravo, Ct);
        using var browser = Browser.Start();
        SignIn(browser, LinkOf(await _host.OperatorLineAsync()));
        Send(browser, "restart bravo");
        var card = browser.ByTestId("card");
        Assert.Contains("bravo", card.Text);
        browser.Screenshot("card");
        browser.ByTestId("confirm").Click();
        browser.WaitUntil(d => d.FindElements(By.CssSelector("[data-testid='card']")).Count == 0, "the card to leave after confirming");
        browser.WaitUntil(_ => browser.ByTestId("answer").GetAttribute("data-decision") == "done", "the restart result");
        var after = await _docker.InspectAsync(_bravo, Ct);
        Assert.True(after.Running);
        Assert.True(after.StartedAt > before.StartedAt, $"bravo was not restarted: started {before.StartedAt:O} then {after.StartedAt:O}");
        browser.Screenshot("after-restart");
    }

    [Fact]
    public async Task A_viewer_sees_no_action_buttons_and_cannot_confirm()
    {
        var before = await _docker.InspectAsync(_bravo, Ct);
        using var browser = Browser.Start();
        SignIn(browser, await _host.TelegramLinkAsync(TestHost.TelegramViewer));
        browser.WaitFor(_ => browser.SystemRow("bravo"), "bravo on the overview");
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("[data-testid^='action-']")));
        browser.Go(new Uri(_host.BaseAddress, "systems"));
        browser.WaitFor(_ => browser.SystemRow("bravo"), "bravo on the systems page");
        Assert.Empty(browser.Driver.FindElements(By.CssSelector("[data-testid^='action-']")));

        Send(browser, "restart bravo");
        browser.WaitUntil(_ => browser.AllByTestId("answer").FirstOrDefault()?.GetAttribute("data-decision") == "refused", "the refusal");
        Assert.Contains("read-only", browser.ByTestId("answer").Text);
        Assert.Empty(browser.AllByTestId("confirm"));
        browser.Screenshot("viewer");
        Assert.Equal(before.StartedAt, (await _docker.InspectAsync(_bravo, Ct)).StartedAt);
    }

    [Fact]
    public async Task A_card_confirmed_through_the_api_disappears_from_the_open_page()
    {
        using var api = _host.Client("ops");
        using var linkResponse = await api.PostAsync("/api/v1/login-links", null, Ct);
        var link = new Uri((await Json.ReadAsync(linkResponse)).GetProperty("url").GetString()!);
        using var browser = Browser.Start();
        SignIn(browser, link);

        // The same user asks through the API: the open page shows the card live.
        using var ask = await api.PostAsJsonAsync("/api/v1/commands", new { text = "restart alpha" }, Ct);
        var id = (await Json.ReadAsync(ask)).GetProperty("confirmationId").GetString()!;
        browser.WaitFor(d => d.FindElements(By.CssSelector($"[data-testid='card'][data-card='{id}']")).FirstOrDefault(), "the card pushed to the page");

        using var confirm = await api.PostAsync($"/api/v1/confirmations/{id}", null, Ct);
        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        browser.WaitUntil(d => d.FindElements(By.CssSelector($"[data-testid='card'][data-card='{id}']")).Count == 0, "the card to disappear");
    }

    [Fact]
    public async Task Every_page_renders_and_log_lines_stay_text()
    {
        using var browser = Browser.Start();
        SignIn(browser, LinkOf(await _host.OperatorLineAsync()));
        browser.Go(new Uri(_host.BaseAddress, "systems"));
        browser.WaitFor(_ => browser.SystemRow("alpha"), "alpha on the systems page");
        browser.WaitFor(d => d.FindElements(By.CssSelector("[data-testid='system-actions'][data-system='alpha'] [data-testid='logs']")).FirstOrDefault(), "the logs button").Click();
        var lines = browser.WaitFor(d => d.FindElements(By.CssSelector("[data-testid='log-lines']")).FirstOrDefault(e => e.Text.Contains("up", StringComparison.Ordinal)), "alpha's log lines");
        Assert.Contains("<b>not bold</b> & <script>x</script>", lines.Text);
        Assert.Empty(lines.FindElements(By.TagName("b")));
        Assert.Empty(lines.FindElements(By.TagName("script")));
        browser.Screenshot("systems");

        foreach (var (path, marker) in new[] { ("portfolio", "Positions"), ("reports", "Scheduled reports"), ("audit", "Recent decisions") })
        {
            browser.Go(new Uri(_host.BaseAddress, path));
            browser.WaitUntil(_ => browser.Text().Contains(marker, StringComparison.Ordinal), $"the {path} page");
            if (path == "portfolio") Assert.NotNull(browser.ByTestId("chart-slot"));
            browser.Screenshot(path);
        }
    }

    [Fact]
    public async Task On_a_phone_the_drawer_collapses_behind_the_menu_button_and_systems_fold_into_cards()
    {
        using var browser = Browser.Start(390, 844);
        SignIn(browser, LinkOf(await _host.OperatorLineAsync()));
        browser.WaitFor(_ => browser.SystemRow("bravo"), "bravo on the overview");
        // Below the breakpoint the navigation is hidden until the menu button opens it.
        browser.WaitUntil(d => !NavVisible(d), "the drawer closed on a phone");
        var bravo = browser.SystemRow("bravo")!;
        Assert.True(bravo.Size.Width > 200, $"the system cell is {bravo.Size.Width}px wide: the table did not fold into cards");
        browser.Screenshot("overview-phone");
        browser.ByTestId("nav-toggle").Click();
        browser.WaitUntil(NavVisible, "the drawer opened by the menu button");
        browser.Screenshot("nav-phone");
    }

    private static bool NavVisible(OpenQA.Selenium.Chrome.ChromeDriver d) =>
        d.FindElements(By.CssSelector("[data-testid='nav'] a[href='/systems']")).FirstOrDefault() is { } link && link.Displayed && link.Location.X >= 0 && link.Location.X < 390;
}
