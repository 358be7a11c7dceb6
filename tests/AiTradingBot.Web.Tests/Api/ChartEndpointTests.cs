using System.Net;
using AiTradingBot.Web.Tests.Support;
using Xunit;

namespace AiTradingBot.Web.Tests.Api;

/// <summary>GET /api/v1/charts/{kind}.png renders portfolio.chart through the core, for viewers and admins.</summary>
public sealed class ChartEndpointTests : IAsyncLifetime
{
    private TestHost _host = default!;

    public async ValueTask InitializeAsync() => _host = await TestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/api/v1/charts/equity.png")]
    [InlineData("/api/v1/charts/pnl.png?period=month")]
    [InlineData("/api/v1/charts/PNL.png?period=week&system=bravo")]
    public async Task A_viewer_gets_a_png_of_the_default_size(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = _host.Client("watch");
        using var r = await http.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("image/png", r.Content.Headers.ContentType?.MediaType);
        var png = await r.Content.ReadAsByteArrayAsync(ct);
        Assert.True(png.Length > 1000, $"{png.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        // IHDR: width and height, big-endian, at bytes 16..23.
        Assert.Equal(1000, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
        Assert.Equal(500, (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23]);
    }

    [Theory]
    [InlineData("/api/v1/charts/candles.png")]
    [InlineData("/api/v1/charts/equity.png?period=decade")]
    [InlineData("/api/v1/charts/pnl.png?system=zulu")]
    public async Task A_wrong_kind_period_or_system_is_a_400_with_the_reason(string path)
    {
        var ct = TestContext.Current.CancellationToken;
        using var http = _host.Client("watch");
        using var r = await http.GetAsync(path, ct);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await r.Content.ReadAsStringAsync(ct)));
    }
}
