using AiTradingBot.Bybit.Tests.Server;
using AiTradingBot.Bybit.Tests.Support;
using AiTradingBot.Core.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Bybit.Tests;

/// <summary>Registration, host selection, validation at start, and secrets kept out of logs.</summary>
public sealed class BybitConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAiTradingBotBybit(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Paper_stays_the_default_and_registers_nothing()
    {
        using var sp = Build(new() { ["Bybit:ApiKey"] = "k" });
        Assert.Null(sp.GetService<IExchange>());
        using var paper = Build(new() { ["Exchange:Provider"] = "paper" });
        Assert.Null(paper.GetService<IExchange>());
    }

    [Theory]
    [InlineData("mainnet", "https://api.bybit.com/", "wss://stream.bybit.com/v5/private", "wss://stream.bybit.com/v5/public/linear")]
    [InlineData("testnet", "https://api-testnet.bybit.com/", "wss://stream-testnet.bybit.com/v5/private", "wss://stream-testnet.bybit.com/v5/public/linear")]
    [InlineData("demo", "https://api-demo.bybit.com/", "wss://stream-demo.bybit.com/v5/private", "wss://stream.bybit.com/v5/public/linear")]
    public void The_environment_picks_the_hosts(string environment, string rest, string privateWs, string publicWs)
    {
        var o = new BybitOptions { Environment = environment };
        Assert.Equal(rest, o.RestUri.ToString());
        Assert.Equal(privateWs, o.PrivateStreamUri.ToString());
        Assert.Equal(publicWs, o.PublicStreamUri("linear").ToString());
    }

    [Fact]
    public void Overrides_replace_the_hosts()
    {
        var o = new BybitOptions { BaseUrl = "http://127.0.0.1:9", WebSocketUrl = "ws://127.0.0.1:9/v5/private", PublicWebSocketUrl = "ws://127.0.0.1:9/v5/public/" };
        Assert.Equal("http://127.0.0.1:9/", o.RestUri.ToString());
        Assert.Equal("ws://127.0.0.1:9/v5/private", o.PrivateStreamUri.ToString());
        Assert.Equal("ws://127.0.0.1:9/v5/public/spot", o.PublicStreamUri("spot").ToString());
    }

    [Fact]
    public void A_bad_configuration_fails_at_start_with_every_problem_named()
    {
        using var sp = Build(new()
        {
            ["Exchange:Provider"] = "bybit", ["Bybit:Environment"] = "prod", ["Bybit:RecvWindow"] = "0", ["Bybit:BaseUrl"] = "ftp://x",
        });
        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<BybitOptions>>().Value);
        var text = string.Join("\n", e.Failures);
        Assert.Contains("Bybit:Environment must be mainnet, testnet or demo (got 'prod')", text);
        Assert.Contains("Bybit:ApiKey is required", text);
        Assert.Contains("Bybit:ApiSecret is required", text);
        Assert.Contains("Bybit:RecvWindow must be between 1 and 60000", text);
        Assert.Contains("Bybit:BaseUrl must be an absolute http or https URL", text);
    }

    [Fact]
    public async Task Key_and_secret_never_appear_in_logs_or_errors()
    {
        var server = await BybitTestServer.StartAsync();
        await using var h = await BybitHarness.StartAsync(new() { ["Bybit:RequestTimeout"] = "00:00:02" }, server: server);
        await h.StartStreamsAsync(Ct);
        await BybitHarness.WaitForAsync(() => h.Stream.Live, TimeSpan.FromSeconds(30), "the private stream");
        var messages = new List<string>();
        await h.Exchange.PlaceOrderAsync(new("alpha-s-1", "alpha", "BTCUSDT", Core.Plans.OrderCategory.Linear, Core.Plans.OrderSide.Buy, Core.Plans.OrderType.Market, 0.001m), Ct);
        server.HangNextOrderCreates(1);
        await h.Exchange.PlaceOrderAsync(new("alpha-s-2", "alpha", "BTCUSDT", Core.Plans.OrderCategory.Linear, Core.Plans.OrderSide.Buy, Core.Plans.OrderType.Limit, 0.001m, 50_000m), Ct);
        server.DropPrivateConnections();
        foreach (var (key, secret) in new[] { ("other", BybitTestServer.ApiSecret), (BybitTestServer.ApiKey, "other"), (BybitTestServer.ApiKey, BybitTestServer.ApiSecret) })
        {
            server.AcceptedKey = key;
            server.AcceptedSecret = secret;
            try { await h.Exchange.GetWalletAsync(Ct); }
            catch (Exception e) { messages.Add(e.ToString()); }
        }
        server.AcceptedSecret = "other";
        server.DropPrivateConnections();
        await BybitHarness.WaitForAsync(() => h.Logs.Lines.Any(l => l.Text.Contains("cannot authenticate")), TimeSpan.FromSeconds(30), "the auth failure log");

        var everything = h.Logs.AllText + string.Join("\n", messages);
        Assert.NotEmpty(messages);
        Assert.DoesNotContain(BybitTestServer.ApiKey, everything);
        Assert.DoesNotContain(BybitTestServer.ApiSecret, everything);
    }
}
