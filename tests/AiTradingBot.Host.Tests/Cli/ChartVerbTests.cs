using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Xunit;

namespace AiTradingBot.Host.Tests.Cli;

/// <summary>ask/chat save charts under the data folder and print where.</summary>
public sealed class ChartVerbTests : IDisposable
{
    private readonly CliRunner _cli = new();

    [Fact]
    public async Task Ask_chart_my_equity_after_paper_trades_saves_a_png_and_names_it()
    {
        Assert.Equal(0, (await _cli.RunAsync(["ask", "buy 0.01 btc", "--yes"])).Code);
        Assert.Equal(0, (await _cli.RunAsync(["ask", "sell 0.01 btc", "--yes"])).Code);

        var (code, output, error) = await _cli.RunAsync(["ask", "chart my equity this week"]);

        Assert.True(code == 0, $"exit {code}\n{output}\n{error}");
        Assert.Contains("Account equity · this week · PAPER", output, StringComparison.Ordinal);
        Assert.Contains("2 fill(s)", output, StringComparison.Ordinal);
        var line = output.Split('\n').Single(l => l.StartsWith("🖼 Chart saved: ", StringComparison.Ordinal)).Trim();
        var path = line["🖼 Chart saved: ".Length..];
        Assert.StartsWith(Path.Combine(_cli.DataDirectory, "charts") + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
        Assert.EndsWith(".png", path, StringComparison.Ordinal);
        var (width, height) = PngSize(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
        Assert.True(width >= 600 && height >= 300, $"{width}×{height}");
    }

    [Fact]
    public async Task Ask_json_lists_the_saved_charts_and_leaves_the_bytes_out()
    {
        var (code, output, _) = await _cli.RunAsync(["ask", "/chart pnl month", "--json"]);

        Assert.Equal(0, code);
        var json = JsonNode.Parse(output)!;
        var path = json["charts"]!.AsArray().Single()!.GetValue<string>();
        Assert.True(File.Exists(path));
        var result = json["steps"]![0]!["result"]!;
        Assert.Null(result["png"]);
        Assert.Contains("no trades in this period", result["caption"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1000, result["width"]!.GetValue<int>());
        Assert.Equal((1000, 500), PngSize(await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken)));
    }

    [Fact]
    public async Task Two_charts_in_the_same_second_do_not_overwrite_each_other()
    {
        var first = await _cli.RunAsync(["ask", "/chart"]);
        var second = await _cli.RunAsync(["ask", "/chart"]);

        Assert.Equal(0, first.Code);
        Assert.Equal(0, second.Code);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_cli.DataDirectory, "charts"), "*.png").Length);
    }

    // Width and height from the PNG's IHDR chunk (big-endian at bytes 16 and 20).
    private static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG");
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    /// <inheritdoc />
    public void Dispose() => _cli.Dispose();
}
