using System.CommandLine;
using AiTradingBot.Hosting;

namespace AiTradingBot.Cli;

/// <summary><c>run</c>: the long-running service: channels (Telegram), schedulers, watchers and <c>/healthz</c>.</summary>
public static class RunVerb
{
    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var command = new Command("run", "Run the service: Telegram (polling or webhook), scheduled reports, notifications and /healthz.");
        command.SetAction(async (_, ct) =>
        {
            await using var app = ServiceHost.Build(io.Overrides);
            await app.StartAsync(ct).ConfigureAwait(false);
            await io.Out.WriteLineAsync($"AiTradingBot running on {string.Join(", ", app.Urls)}").ConfigureAwait(false);
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
