using System.Globalization;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Hosting;

namespace AiTradingBot.Cli;

/// <summary>
/// The console's way to show a chart: the PNG is saved under the data folder (<c>data/charts/</c>) and the path is
/// printed. Names say what and when (<c>equity-week-20261201-153000.png</c>) and never overwrite an earlier chart.
/// </summary>
public static class ChartFiles
{
    /// <summary>Saves every chart of the replies (chart steps and report charts); returns the full paths in order.</summary>
    public static async Task<IReadOnlyList<string>> SaveAsync(IEnumerable<AssistantReply> replies, IServiceProvider services, CancellationToken ct)
    {
        var charts = replies.Where(r => r.Outcome is not null).SelectMany(r => r.Outcome!.Steps)
            .Select(s => s.Result switch { ChartResult c => c, ReportResult { Chart: { } c } => c, _ => null })
            .OfType<ChartResult>().ToList();
        if (charts.Count == 0) return [];
        var directory = Path.GetFullPath(Path.Combine(HostComposition.DataDirectory(services.GetRequiredService<IConfiguration>()), "charts"));
        Directory.CreateDirectory(directory);
        var stamp = services.GetRequiredService<TimeProvider>().GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var paths = new List<string>(charts.Count);
        foreach (var c in charts)
        {
            var stem = string.Join('-', new[] { Name(c.Kind.ToString()), Name(c.Period.ToString()), c.System is null ? null : Name(c.System), stamp }.OfType<string>());
            var path = Path.Combine(directory, stem + ".png");
            for (var n = 2; File.Exists(path); n++) path = Path.Combine(directory, $"{stem}-{n}.png");
            await File.WriteAllBytesAsync(path, c.Png, ct).ConfigureAwait(false);
            paths.Add(path);
        }
        return paths;
    }

    /// <summary>The line printed for a saved chart.</summary>
    public static string Line(string path) => $"🖼 Chart saved: {path}";

    private static string Name(string s) => new(s.ToLowerInvariant().Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' ? ch : '_').ToArray());
}
