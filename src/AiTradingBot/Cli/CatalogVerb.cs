using System.CommandLine;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Rendering;

namespace AiTradingBot.Cli;

/// <summary><c>catalog [--markdown]</c>: the action catalog, as help text or the README's Markdown table.</summary>
public static class CatalogVerb
{
    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print the README's action table." };
        var command = new Command("catalog", "List every action the assistant can plan (generated from the catalog).") { markdown };
        command.SetAction(async (result, _) =>
        {
            await io.Out.WriteAsync(result.GetValue(markdown) ? CatalogMarkdown.Table() : ReplyRenderer.HelpText(PlainMarkup.Instance) + Environment.NewLine).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
