using System.Globalization;
using AiTradingBot.Core.Charts;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using ScottPlot;

namespace AiTradingBot.Charts;

/// <summary>
/// Draws chart data with ScottPlot on SkiaSharp, headless. Every text uses one named font (DejaVu Sans, installed by
/// scripts/servers/fonts.sh and the Docker image) so a picture does not depend on what else the machine has. The mode
/// is drawn twice, in the title and as a badge, so a paper chart cannot pass for live; an empty period says so on
/// the picture instead of showing a blank plot.
/// </summary>
public sealed class ScottPlotChartRenderer : IChartRenderer
{
    /// <summary>The font family every label uses.</summary>
    public const string FontName = "DejaVu Sans";

    private static readonly Color Ink = Color.FromHex("#222222");
    private static readonly Color Line = Color.FromHex("#1f77b4");
    private static readonly Color Gain = Color.FromHex("#2ca02c");
    private static readonly Color Loss = Color.FromHex("#d62728");
    private static readonly Color PaperBadge = Color.FromHex("#ff8c00");
    private static readonly Color LiveBadge = Color.FromHex("#b00020");

    /// <inheritdoc />
    public byte[] RenderPng(ChartData data, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        using var plot = new Plot();
        plot.Font.Set(FontName);
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Title(data.Title, size: 18);
        plot.XLabel(data.XLabel, size: 14);
        plot.YLabel(data.YLabel, size: 14);
        plot.Grid.MajorLineColor = Color.FromHex("#e5e5e5");

        if (data.Kind == ChartKind.Pnl) DrawDaily(plot, data);
        else DrawEquity(plot, data);

        // After the series: a date-time axis replaces the bottom axis panel and with it the label.
        plot.Axes.Bottom.Label.Text = data.XLabel;
        plot.Axes.Bottom.Label.FontSize = 14;
        plot.Axes.Bottom.Label.FontName = FontName;
        if (data.IsEmpty)
        {
            var empty = plot.Add.Annotation(ChartData.EmptyText, Alignment.MiddleCenter);
            Style(empty.LabelStyle, 22, Ink, Color.FromHex("#f2f2f2"));
        }
        var badge = plot.Add.Annotation(data.Mode.Live ? data.Mode.Label : "PAPER · simulated", Alignment.UpperRight);
        Style(badge.LabelStyle, 13, Colors.White, data.Mode.Live ? LiveBadge : PaperBadge);
        plot.Font.Set(FontName);
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static void Style(LabelStyle label, float size, Color fore, Color back)
    {
        label.FontName = FontName;
        label.FontSize = size;
        label.Bold = true;
        label.ForeColor = fore;
        label.BackgroundColor = back;
        label.BorderColor = back;
        label.Padding = 6;
        label.ShadowColor = Colors.Transparent;
    }

    private static double X(DateTimeOffset t, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(t, zone).DateTime.ToOADate();

    private static void DrawEquity(Plot plot, ChartData data)
    {
        var xs = data.Equity.Select(p => X(p.Time, data.Zone)).ToArray();
        var ys = data.Equity.Select(p => (double)p.Equity).ToArray();
        var line = plot.Add.Scatter(xs, ys);
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LineWidth = 2;
        line.MarkerSize = 0;
        line.Color = Line;
        if (data.Equity.Count > 0 && data.System is not null) plot.Add.HorizontalLine(0, 1, Color.FromHex("#888888"), LinePattern.Dashed);
        var span = xs.Length > 1 ? xs.Max() - xs.Min() : 1;
        plot.Axes.DateTimeTicksBottom().TickGenerator = new ScottPlot.TickGenerators.DateTimeAutomatic
        {
            LabelFormatter = span > 0.9
            ? d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "ddd d MMM" : "ddd d MMM\nHH:mm", CultureInfo.InvariantCulture)
            : d => d.ToString("HH:mm", CultureInfo.InvariantCulture),
        };
        var min = ys.Length == 0 ? 0 : ys.Min();
        var max = ys.Length == 0 ? 1 : ys.Max();
        // A flat curve (no trades) gets a visible band around its value instead of a zero-height axis.
        var pad = max > min ? (max - min) * 0.15 : Math.Max(Math.Abs(max) * 0.001, 1);
        plot.Axes.SetLimits(xs.Length > 0 ? xs.Min() : 0, xs.Length > 0 ? Math.Max(xs.Max(), xs.Min() + 1.0 / 24) : 1, min - pad, max + pad);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Money };
    }

    private static void DrawDaily(Plot plot, ChartData data)
    {
        // Days without fills get no bar (a zero-height bar would draw as a coloured line on the axis).
        var bars = data.Days.Select(d => new Bar
        {
            Position = d.Day.ToDateTime(TimeOnly.MinValue).ToOADate() + 0.5,
            Value = (double)d.NetPnl,
            Size = 0.7,
            FillColor = d.NetPnl >= 0 ? Gain : Loss,
            LineColor = d.NetPnl >= 0 ? Gain : Loss,
        }).ToList();
        var labelled = data.Days.Count <= 16;
        if (labelled)
            for (var i = 0; i < bars.Count; i++)
                if (data.Days[i].Fills > 0) bars[i].Label = Money((double)data.Days[i].NetPnl);
        var barPlot = plot.Add.Bars(bars.Where((_, i) => data.Days[i].Fills > 0).ToList());
        barPlot.ValueLabelStyle.FontName = FontName;
        barPlot.ValueLabelStyle.FontSize = 12;
        plot.Add.HorizontalLine(0, 1, Color.FromHex("#888888"));
        // One tick per day (every few days on long periods), named by weekday and date.
        var every = Math.Max(1, (int)Math.Ceiling(data.Days.Count / 12.0));
        var manual = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < data.Days.Count; i += every)
            manual.AddMajor(bars[i].Position, data.Days[i].Day.ToString(data.Days.Count <= 7 ? "ddd d MMM" : "d MMM", CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = manual;
        var first = data.Days.Count > 0 ? data.Days[0].Day.ToDateTime(TimeOnly.MinValue).ToOADate() : 0;
        var last = data.Days.Count > 0 ? data.Days[^1].Day.ToDateTime(TimeOnly.MinValue).ToOADate() + 1 : 1;
        var values = data.Days.Select(d => (double)d.NetPnl).Append(0).ToArray();
        var min = values.Min();
        var max = values.Max();
        var pad = max > min ? (max - min) * 0.15 : 1;
        plot.Axes.SetLimits(first, last, min - pad, max + pad);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Money };
    }

    private static string Money(double v) => Math.Abs(v) < 0.005 ? "0" : v.ToString("#,##0.##", CultureInfo.InvariantCulture);
}
