using AiTradingBot.Core.Charts;

namespace AiTradingBot.Core.Ports;

/// <summary>Draws a chart as a PNG image. Rendering is CPU-bound and deterministic for the same data and size.</summary>
public interface IChartRenderer
{
    /// <summary>A PNG of exactly <paramref name="width"/>×<paramref name="height"/> pixels.</summary>
    byte[] RenderPng(ChartData data, int width, int height);
}
