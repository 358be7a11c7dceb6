using AiTradingBot.Cli;

namespace AiTradingBot.Host.Tests.Cli;

/// <summary>Runs the real command line in-process with its own data directory and captured output.</summary>
public sealed class CliRunner : IDisposable
{
    /// <summary>A fresh data directory for this runner.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "atb-cli-" + Guid.NewGuid().ToString("N"));

    /// <summary>Extra configuration.</summary>
    public Dictionary<string, string?> Settings { get; } = new();

    /// <summary>Runs a command line; returns exit code, stdout and stderr.</summary>
    public async Task<(int Code, string Out, string Err)> RunAsync(string[] args, string? stdin = null)
    {
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Storage:DataDirectory"] = DataDirectory,
            ["Docker:Endpoint"] = Settings.GetValueOrDefault("Docker:Endpoint"),
        };
        if (settings["Docker:Endpoint"] is null) settings.Remove("Docker:Endpoint");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, settings, stdin is null ? null : new StringReader(stdin));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(DataDirectory)) Directory.Delete(DataDirectory, recursive: true);
    }
}
