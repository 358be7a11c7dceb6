using System.Text.RegularExpressions;
using AiTradingBot.Core.Catalog;
using Telegram.Bot.Types;

namespace AiTradingBot.Telegram.Updates;

/// <summary>The command menu (setMyCommands), generated from the action catalog plus /cc.</summary>
public static partial class BotCommandMenu
{
    /// <summary>Every catalog slash command with its description, then the main menu.</summary>
    public static IReadOnlyList<BotCommand> Build()
    {
        var commands = ActionCatalog.All
            .Where(d => d.Slash is { } s && CommandShape().IsMatch(s))
            .DistinctBy(d => d.Slash)
            .Select(d => new BotCommand(d.Slash!, Describe(d)))
            .ToList();
        commands.Add(new BotCommand("cc", "Main menu: sitrep, deploy, killswitch, balance, PnL"));
        // Telegram accepts at most 100 commands.
        return commands.Count <= 100 ? commands : commands.Take(100).ToList();
    }

    // Telegram allows 1-256 characters; usage first because the menu shows one line.
    private static string Describe(ActionDescriptor d)
    {
        var text = (d.SlashUsage is null ? "" : d.SlashUsage + " — ") + d.Description + (d.Gated ? " (asks to confirm)" : "");
        return text.Length <= 256 ? text : text[..255] + "…";
    }

    [GeneratedRegex("^[a-z0-9_]{1,32}$")]
    private static partial Regex CommandShape();
}
