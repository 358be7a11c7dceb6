using SkiaSharp;

namespace AiTradingBot.Charts.Tests;

/// <summary>What a PNG holds: its size and how many pixels are of which colour.</summary>
public sealed class PngPixels
{
    private readonly SKColor[] _pixels;

    private PngPixels(int width, int height, SKColor[] pixels) => (Width, Height, _pixels) = (width, height, pixels);

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Decodes a PNG (fails when the bytes are not a PNG).</summary>
    public static PngPixels Decode(byte[] png)
    {
        Assert.True(png.Length > 8 && png[0] == 0x89 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', "not a PNG");
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidOperationException("SkiaSharp could not decode the PNG");
        return new PngPixels(bitmap.Width, bitmap.Height, bitmap.Pixels);
    }

    /// <summary>Share of pixels that are not the white background.</summary>
    public double NonBackgroundShare => _pixels.Count(p => p.Red < 245 || p.Green < 245 || p.Blue < 245) / (double)_pixels.Length;

    /// <summary>Distinct colours.</summary>
    public int Colours => _pixels.Distinct().Count();

    /// <summary>Pixels within a small distance of a colour (antialiasing blends edges).</summary>
    public int Near(string hex, int tolerance = 12)
    {
        var c = SKColor.Parse(hex);
        return _pixels.Count(p => Math.Abs(p.Red - c.Red) <= tolerance && Math.Abs(p.Green - c.Green) <= tolerance && Math.Abs(p.Blue - c.Blue) <= tolerance);
    }
}
