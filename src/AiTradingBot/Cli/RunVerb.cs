using System.CommandLine;
using AiTradingBot.Hosting;
using AiTradingBot.Web;
using AiTradingBot.Web.Security;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Cli;

/// <summary><c>run</c>: the long-running service: channels (Telegram), schedulers, watchers and <c>/healthz</c>.</summary>
public static class RunVerb
{
    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var command = new Command("run", "Run the service: web dashboard and API, Telegram (polling or webhook), scheduled reports, notifications and /healthz.");
        command.SetAction(async (_, ct) =>
        {
            await using var app = ServiceHost.Build(io.Overrides);
            await app.StartAsync(ct).ConfigureAwait(false);
            await io.Out.WriteLineAsync($"AiTradingBot running on {string.Join(", ", app.Urls)}").ConfigureAwait(false);
            var web = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
            // The operator's single-use link goes to stdout only, never to the logs.
            if (web.Enabled && web.PrintLoginLink)
                await io.Out.WriteLineAsync(await app.Services.GetRequiredService<LoginLinks>().OperatorLineAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
