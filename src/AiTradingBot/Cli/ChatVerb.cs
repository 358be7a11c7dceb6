using System.CommandLine;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Hosting;

namespace AiTradingBot.Cli;

/// <summary>
/// <c>chat</c>: an interactive console conversation through the same pipeline. Confirm a waiting plan by typing
/// <c>yes</c> or its code, cancel with <c>no</c>. The banner says what is live, paper or demo.
/// </summary>
public static class ChatVerb
{
    private static readonly HashSet<string> Yes = new(StringComparer.OrdinalIgnoreCase) { "yes", "y", "confirm", "ok", "✅" };
    private static readonly HashSet<string> No = new(StringComparer.OrdinalIgnoreCase) { "no", "n", "cancel", "abort", "✖" };

    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var command = new Command("chat", "Talk to the assistant in the console (paper trading and demo systems unless configured otherwise).");
        command.SetAction(async (_, ct) =>
        {
            await using var services = io.BuildServices();
            var assistant = services.GetRequiredService<IAssistant>();
            var renderer = new ReplyRenderer(PlainMarkup.Instance, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<AiTradingBot.Core.Audit.SecretRedactor>());
            await io.Out.WriteLineAsync(Banner(services)).ConfigureAwait(false);
            string? pending = null;
            while (!ct.IsCancellationRequested)
            {
                await io.Out.WriteAsync(pending is null ? "> " : $"[confirm {pending}? yes/no] > ").ConfigureAwait(false);
                await io.Out.FlushAsync(ct).ConfigureAwait(false);
                var line = await io.In.ReadLineAsync(ct).ConfigureAwait(false);
                if (line is null) break;
                line = line.Trim();
                if (line.Length == 0) continue;
                if (line is "exit" or "quit" or "/exit" or "/quit") break;
                AssistantReply reply;
                var request = new ConfirmationRequest("console", "local", AskVerb.LocalOperator, pending);
                if (pending is not null && (Yes.Contains(line) || line.Equals(pending, StringComparison.OrdinalIgnoreCase)))
                    reply = await assistant.ConfirmAsync(request, ct).ConfigureAwait(false);
                else if (pending is not null && No.Contains(line))
                    reply = await assistant.CancelAsync(request, ct).ConfigureAwait(false);
                else
                    reply = await assistant.HandleAsync(new IncomingMessage("console", "local", AskVerb.LocalOperator, line), ct).ConfigureAwait(false);
                // A new message replaces any plan that was waiting: only the latest card can be confirmed.
                pending = reply.Kind == ReplyKind.AwaitingConfirmation ? reply.Card!.Id : null;
                await io.Out.WriteLineAsync(renderer.Render(reply)).ConfigureAwait(false);
                foreach (var path in await ChartFiles.SaveAsync([reply], services, ct).ConfigureAwait(false))
                    await io.Out.WriteLineAsync(ChartFiles.Line(path)).ConfigureAwait(false);
                if (pending is not null) await io.Out.WriteLineAsync("Type yes (or the code) to confirm, no to cancel.").ConfigureAwait(false);
            }
            await io.Out.WriteLineAsync("Bye.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    /// <summary>What is live, paper or demo, and where data lives.</summary>
    public static string Banner(IServiceProvider services)
    {
        var exchange = services.GetRequiredService<IExchange>();
        var runtime = services.GetRequiredService<IContainerRuntime>();
        var configuration = services.GetRequiredService<IConfiguration>();
        var llm = services.GetService<ILanguageModelInterpreter>();
        var lines = new List<string>
        {
            "AiTradingBot — natural-language trading assistant",
            $"  Trading:  {exchange.Mode.Label}" + (exchange.Mode.Live ? "  ⚠ real money" : " (simulated fills, 10,000 USDT start unless configured)"),
            $"  Systems:  {runtime.Description}",
            $"  Data:     {StorageBanner(services, configuration)}",
            $"  Language: offline parser" + (llm is null ? "" : $" + model {llm.Description} ({llm.Mode})"),
            "Type help for what I can do, exit to leave. Anything that changes state asks you to confirm.",
        };
        return string.Join(Environment.NewLine, lines);
    }

    private static string StorageBanner(IServiceProvider services, IConfiguration configuration)
    {
        if (services.GetService<AiTradingBot.Storage.StorageTarget>() is { } target) return target.Description;
        return $"in memory only (Storage:Ephemeral), nothing is kept after exit";
    }
}
