using AiTradingBot.Testing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit;

namespace AiTradingBot.Web.Tests.Browser;

/// <summary>
/// Debian's headless Chromium driven by Selenium with explicit binary paths (scripts/servers/chromium.sh); under
/// ATB_REQUIRE_INTEGRATION=1 a missing browser fails the test instead of skipping it.
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    private Browser(ChromeDriver driver) => Driver = driver;

    public ChromeDriver Driver { get; }

    /// <summary>A desktop-sized window, or <paramref name="width"/> × <paramref name="height"/> (a phone: 390 × 844).</summary>
    public static Browser Start(int width = 1280, int height = 1000)
    {
        var chromium = Integration.Require("ATB_TEST_CHROMIUM", "Chromium (scripts/servers/chromium.sh)");
        var driverPath = Integration.Require("ATB_TEST_CHROMEDRIVER", "chromedriver (scripts/servers/chromium.sh)");
        foreach (var file in new[] { chromium, driverPath })
            if (!File.Exists(file))
            {
                var reason = $"{file} does not exist: run scripts/servers/chromium.sh install.";
                if (Integration.Required) Assert.Fail(reason);
                Assert.Skip(reason);
            }
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", $"--window-size={width},{height}", "--disable-gpu", "--no-first-run");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driverPath)!, Path.GetFileName(driverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(90));
        return new Browser(driver);
    }

    public void Go(Uri url) => Driver.Navigate().GoToUrl(url);

    /// <summary>Polls until <paramref name="find"/> returns something (a loaded machine may be slow).</summary>
    public T WaitFor<T>(Func<ChromeDriver, T?> find, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultWait);
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (find(Driver) is { } found) return found;
            }
            catch (WebDriverException e) { last = e; }
            Thread.Sleep(100);
        }
        throw new TimeoutException($"Timed out waiting for {what}. Page: {Driver.Url}\n{Text()}", last);
    }

    public void WaitUntil(Func<ChromeDriver, bool> condition, string what, TimeSpan? timeout = null) =>
        WaitFor(d => condition(d) ? "" : null, what, timeout);

    public IWebElement ByTestId(string id) => WaitFor(d => d.FindElements(By.CssSelector($"[data-testid='{id}']")).FirstOrDefault(e => e.Displayed), $"[data-testid={id}]");

    public IReadOnlyCollection<IWebElement> AllByTestId(string id) => Driver.FindElements(By.CssSelector($"[data-testid='{id}']"));

    public IWebElement? SystemRow(string system) => Driver.FindElements(By.CssSelector($"[data-testid='system-row'][data-system='{system}']")).FirstOrDefault();

    public string Text()
    {
        try { return Driver.FindElement(By.TagName("body")).Text; }
        catch (WebDriverException) { return "(no page)"; }
    }

    /// <summary>Saves a screenshot as a test artifact (ATB_TEST_SCREENSHOTS, else the test output folder).</summary>
    public string Screenshot(string name)
    {
        var dir = Environment.GetEnvironmentVariable("ATB_TEST_SCREENSHOTS") is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        Driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}
