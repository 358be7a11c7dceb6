using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace AiTradingBot.Benchmarks;

/// <summary>
/// The web channel against 50 real containers (Podman, scripts/servers/podman.sh) with the real host started as its own
/// process (<c>AiTradingBot run</c>) and Debian's Chromium (scripts/servers/chromium.sh): first overview render,
/// GET /api/v1/systems p50/p99, container state change → page, and the host's RSS idle with one and with 20 open pages.
/// Args: [containers]; default 50. Uses ATB_TEST_DOCKER, ATB_TEST_DOCKER_IMAGE, ATB_TEST_CHROMIUM, ATB_TEST_CHROMEDRIVER.
/// </summary>
public sealed class WebBenchmark : IBenchmark
{
    /// <inheritdoc />
    public string Name => "web";

    /// <inheritdoc />
    public string Description => "Dashboard over 50 real containers: first overview render, GET /api/v1/systems p50/p99, state change → page, RSS";

    /// <inheritdoc />
    public async Task<object> RunAsync(string[] args, CancellationToken ct)
    {
        var endpoint = Environment.GetEnvironmentVariable("ATB_TEST_DOCKER");
        var chromium = Environment.GetEnvironmentVariable("ATB_TEST_CHROMIUM");
        var driverPath = Environment.GetEnvironmentVariable("ATB_TEST_CHROMEDRIVER");
        if (string.IsNullOrWhiteSpace(endpoint) || string.IsNullOrWhiteSpace(chromium) || string.IsNullOrWhiteSpace(driverPath))
            return new { error = "Needs ATB_TEST_DOCKER (scripts/servers/podman.sh start) and ATB_TEST_CHROMIUM/ATB_TEST_CHROMEDRIVER (scripts/servers/chromium.sh start)." };
        var image = Environment.GetEnvironmentVariable("ATB_TEST_DOCKER_IMAGE") ?? "localhost/tbot:1";
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;

        using var docker = new DockerEngineClient(new DockerOptions { Endpoint = endpoint });
        var run = Guid.NewGuid().ToString("N")[..6];
        var names = Enumerable.Range(0, count).Select(i => $"atbweb-{run}-{i:D2}").ToList();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        Process? host = null;
        try
        {
            foreach (var batch in names.Chunk(10))
                await Task.WhenAll(batch.Select(n => docker.LaunchAsync(new LaunchRequest(n, image, ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
                    new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(1), "no"), ct)));

            var port = FreePort();
            var env = new Dictionary<string, string>
            {
                ["Http__Urls"] = $"http://127.0.0.1:{port}",
                ["Storage__Ephemeral"] = "true",
                ["Llm__Mode"] = "off",
                ["Docker__Endpoint"] = endpoint,
                ["Docker__StatsSampleMilliseconds"] = "200",
                ["Web__ApiTokens__bench__Sha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))),
                ["Web__ApiTokens__bench__Role"] = "Viewer",
                ["Web__ApiTokens__bench__UserId"] = "bench",
                ["Assistant__StatusTimeoutSeconds"] = "10",
                ["Logging__LogLevel__Default"] = "Warning",
            };
            for (var i = 0; i < names.Count; i++) env[$"Systems__s{i:D2}__Container"] = names[i];
            var (process, link) = await StartHostAsync(env, ct);
            host = process;
            var baseUrl = new Uri($"http://127.0.0.1:{port}/");

            // GET /api/v1/systems: sequential requests after one warm-up.
            using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await http.GetAsync("/api/v1/systems", ct)).EnsureSuccessStatusCode();
            var apiTimes = new List<double>();
            for (var i = 0; i < 40; i++)
            {
                var sw = Stopwatch.StartNew();
                using var r = await http.GetAsync("/api/v1/systems", ct);
                r.EnsureSuccessStatusCode();
                apiTimes.Add(sw.Elapsed.TotalMilliseconds);
            }

            var rssBefore = RssMb(host);
            var options = new ChromeOptions { BinaryLocation = chromium };
            options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--disable-gpu");
            var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
            service.SuppressInitialDiagnosticInformation = true;
            using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(120));
            driver.Navigate().GoToUrl(link);
            driver.FindElement(By.CssSelector("[data-testid='sign-in']")).Click();
            WaitRows(driver, count, TimeSpan.FromSeconds(120));

            // First overview render: navigation until every system row is on the page (new circuit each time).
            var renders = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var sw = Stopwatch.StartNew();
                driver.Navigate().GoToUrl(new Uri(baseUrl, "/?r=" + i));
                WaitRows(driver, count, TimeSpan.FromSeconds(120));
                renders.Add(sw.Elapsed.TotalMilliseconds);
            }

            // Container state change → the open page shows it.
            var changes = new List<double>();
            for (var i = 0; i < 3; i++)
            {
                var victim = names[i];
                var system = $"s{i:D2}";
                var sw = Stopwatch.StartNew();
                await docker.StopAsync(victim, TimeSpan.FromSeconds(1), ct);
                var stopped = sw.Elapsed;
                WaitState(driver, system, running: false, TimeSpan.FromSeconds(60));
                changes.Add((sw.Elapsed - stopped).TotalMilliseconds);
                await docker.StartAsync(victim, ct);
                WaitState(driver, system, running: true, TimeSpan.FromSeconds(60));
            }

            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            var rssOne = RssMb(host);

            for (var i = 1; i < 20; i++)
            {
                driver.SwitchTo().NewWindow(WindowType.Tab);
                driver.Navigate().GoToUrl(baseUrl);
                WaitRows(driver, count, TimeSpan.FromSeconds(120));
            }
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            var rssTwenty = RssMb(host);
            driver.Quit();

            return new
            {
                systems = count,
                liveIntervalMs = 1000,
                firstOverviewRenderMs = Summary(renders),
                getSystemsMs = Summary(apiTimes),
                stateChangeToPageMs = Summary(changes),
                rssMb = new { hostStartedNoPage = rssBefore, oneDashboardOpenIdle = rssOne, twentyDashboardsOpen = rssTwenty },
                loadAverage = File.ReadAllText("/proc/loadavg").Trim(),
            };
        }
        finally
        {
            if (host is { HasExited: false })
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync(CancellationToken.None);
            }
            host?.Dispose();
            await Task.WhenAll(names.Select(async n =>
            {
                try { await docker.RemoveAsync(n, force: true, CancellationToken.None); }
                catch (ContainerRuntimeException) { }
            }));
        }
    }

    private static async Task<(Process, Uri)> StartHostAsync(Dictionary<string, string> env, CancellationToken ct)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "AiTradingBot.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "run"]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        var process = Process.Start(psi)!;
        _ = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            if (line.StartsWith("Dashboard: ", StringComparison.Ordinal))
            {
                _ = process.StandardOutput.ReadToEndAsync(ct);
                return (process, new Uri(line["Dashboard: ".Length..]));
            }
        throw new InvalidOperationException("The host exited before printing the dashboard link.");
    }

    private static void WaitRows(ChromeDriver driver, int count, TimeSpan timeout) =>
        Wait(() => driver.FindElements(By.CssSelector("[data-testid='system-row']")).Count >= count, timeout, "system rows");

    private static void WaitState(ChromeDriver driver, string system, bool running, TimeSpan timeout) =>
        Wait(() =>
        {
            var state = driver.FindElements(By.CssSelector($"[data-testid='system-row'][data-system='{system}']")).FirstOrDefault()?.GetAttribute("data-state");
            return running ? state == "running" : state is not null && state != "running";
        }, timeout, $"{system} running={running}");

    private static void Wait(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (condition()) return;
            }
            catch (WebDriverException) { }
            Thread.Sleep(20);
        }
        throw new TimeoutException($"Timed out waiting for {what}.");
    }

    private static double RssMb(Process p)
    {
        foreach (var line in File.ReadLines($"/proc/{p.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024d, 1);
        return double.NaN;
    }

    private static object Summary(List<double> ms)
    {
        var sorted = ms.Order().ToList();
        double P(double q) => Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)], 1);
        return new { n = sorted.Count, p50 = P(0.5), p99 = P(0.99), max = Math.Round(sorted[^1], 1) };
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        return ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
    }
}
