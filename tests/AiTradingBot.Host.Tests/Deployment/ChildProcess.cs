using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace AiTradingBot.Host.Tests.Deployment;

/// <summary>A child process whose standard output and error are captured for failure messages; killed on dispose if still running.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ChildProcess(Process process) => _process = process;

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Its exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output and error so far, interleaved as read.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Starts <paramref name="argv"/> with exactly <paramref name="environment"/> as its environment.</summary>
    public static ChildProcess Start(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(argv[0])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in argv.Skip(1)) info.ArgumentList.Add(arg);
        info.Environment.Clear();
        foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = new Process { StartInfo = info };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => child.Append("err", e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a command to completion and returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyList<string> argv, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        using var child = Start(argv, workingDirectory, environment);
        if (!await child.WaitForExitAsync(timeout)) throw new TimeoutException($"{string.Join(' ', argv)} did not finish within {timeout}:\n{child.Output}");
        return (child.ExitCode, child.Output);
    }

    /// <summary>Sends SIGTERM, as <c>docker stop</c> does.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, SigTerm) != 0) throw new InvalidOperationException($"kill({_process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Waits for exit (and for the output to be drained); false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }

    private void Append(string stream, string? line)
    {
        if (line is null) return;
        lock (_output) _output.Append(stream).Append("| ").AppendLine(line);
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
