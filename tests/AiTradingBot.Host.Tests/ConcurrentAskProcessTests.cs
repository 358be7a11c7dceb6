using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit;

namespace AiTradingBot.Host.Tests;

/// <summary>
/// Issue 13 with real processes: several <c>ask</c> runs of the built CLI on one data folder share the embedded
/// database — every order that reports success is in the position and in /trades, and a halt set by one process
/// holds for the next.
/// </summary>
public sealed partial class ConcurrentAskProcessTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromMinutes(8);
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "atbt-procs-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    [GeneratedRegex(@"BTCUSDT LONG ([0-9.]+)")]
    private static partial Regex LongQty();

    [Fact]
    public async Task Twelve_concurrent_confirmed_buys_each_either_land_in_the_position_and_trades_or_are_refused_saying_why()
    {
        var runs = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => AskAsync("buy 0.001 btc", "--yes")));
        Assert.All(runs, r => Assert.True(r.Exit is 0 or 4, r.Output));
        Assert.All(runs.Where(r => r.Exit == 4), r => Assert.Contains("Risk:MaxOrdersPerMinute", r.Output));
        var placed = runs.Count(r => r.Exit == 0);
        Assert.InRange(placed, 1, 12);

        var positions = await AskAsync("/positions");
        Assert.True(positions.Exit == 0, positions.Output);
        Assert.Equal(0.001m * placed, decimal.Parse(LongQty().Match(positions.Output).Groups[1].Value, CultureInfo.InvariantCulture));
        var trades = await AskAsync("/trades");
        Assert.True(trades.Exit == 0, trades.Output);
        Assert.Equal(placed, Regex.Matches(trades.Output, @"BUY 0\.001 BTCUSDT").Count);
    }

    [Fact]
    public async Task A_killswitch_in_one_process_refuses_a_buy_in_the_next()
    {
        var halt = await AskAsync("/killswitch CONFIRM");
        Assert.True(halt.Exit == 0, halt.Output);
        var buy = await AskAsync("buy 0.001 btc", "--yes");
        Assert.True(buy.Exit == 4, buy.Output);
        Assert.Contains("halted", buy.Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Runs the built CLI as its own process on the shared data folder.</summary>
    private async Task<(int Exit, string Output)> AskAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AiTradingBot.dll"));
        start.ArgumentList.Add("ask");
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["Storage__DataDirectory"] = _dataDir;
        start.Environment["Llm__Mode"] = "off";
        start.Environment["Docker__Endpoint"] = "";
        start.Environment["Exchange__Provider"] = "paper";
        // Twelve processes on a loaded machine: waiting for the account lock must not be what refuses an order here.
        start.Environment["Risk__AccountLockWaitSeconds"] = "600";
        start.Environment["Risk__MaxOrdersPerMinute"] = "5";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(_ct);
        var stderr = process.StandardError.ReadToEndAsync(_ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        timeout.CancelAfter(ProcessTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, $"exit {process.ExitCode}\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
    }
}
