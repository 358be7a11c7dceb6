using System.Globalization;
using System.Text.RegularExpressions;
using AiTradingBot.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Host.Tests.Observability;

/// <summary>The <c>run</c> host on a free loopback port, with an HTTP client for its endpoints.</summary>
internal sealed partial class TelemetryHost : IAsyncDisposable
{
    private TelemetryHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public WebApplication App { get; }

    public HttpClient Http { get; }

    public static async Task<TelemetryHost> StartAsync(Dictionary<string, string?> overrides, CancellationToken ct)
    {
        overrides.TryAdd("Http:Urls", "http://127.0.0.1:0");
        overrides.TryAdd("Storage:Ephemeral", "true");
        overrides.TryAdd("Llm:Mode", "off");
        overrides.TryAdd("Docker:Endpoint", null);
        var app = ServiceHost.Build(overrides);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TelemetryHost(app, new Uri(address));
    }

    public T Get<T>() where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>The value of one series in a Prometheus scrape (0 when absent): the name and every given label must match.</summary>
    public static double Value(string scrape, string name, params (string Label, string Value)[] labels)
    {
        double total = 0;
        foreach (Match m in Series().Matches(scrape))
        {
            if (m.Groups["name"].Value != name) continue;
            var set = m.Groups["labels"].Value;
            if (labels.All(l => set.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
                total += double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return total;
    }

    public async Task<string> ScrapeAsync(CancellationToken ct)
    {
        // The exporter caches a scrape for a moment (ScrapeResponseCacheDurationMilliseconds); poll past it.
        using var response = await Http.GetAsync("/metrics", ct);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>One /readyz answer: status code and JSON body.</summary>
    public async Task<(System.Net.HttpStatusCode Status, string Body)> ReadinessAsync(CancellationToken ct)
    {
        using var response = await Http.GetAsync("/readyz", ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(ct));
    }

    /// <summary>Polls /readyz until it answers <paramref name="wanted"/> or the time is up; returns the last answer.</summary>
    public async Task<(System.Net.HttpStatusCode Status, string Body)> WaitForReadinessAsync(System.Net.HttpStatusCode wanted, TimeSpan within, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var answer = await ReadinessAsync(ct);
            if (answer.Status == wanted || DateTime.UtcNow > deadline) return answer;
            await Task.Delay(500, ct);
        }
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN)", RegexOptions.Multiline)]
    private static partial Regex Series();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
