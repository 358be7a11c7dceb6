using Telegram.Bot.Types.ReplyMarkups;

namespace AiTradingBot.Telegram.Rendering;

/// <summary>The bot's inline keyboards: confirmation card buttons and the /cc main menu.</summary>
public static class Keyboards
{
    /// <summary>Main-menu entries: key in callback data, button label, and the message it stands for.</summary>
    public static IReadOnlyList<(string Key, string Label, string Command)> MainMenu { get; } =
    [
        ("sitrep", "📡 SITREP", "/sitrep"),
        ("deploy", "🚀 DEPLOY ALL", "/deploy all"),
        ("killswitch", "🛑 KILLSWITCH", "/killswitch"),
        ("balance", "💰 BALANCE", "/balance"),
        ("pnl", "📈 PNL", "/pnl"),
    ];

    /// <summary>✅ Confirm / ✖ Cancel under a confirmation card.</summary>
    public static InlineKeyboardMarkup Confirmation(string confirmationId) => new(new[]
    {
        InlineKeyboardButton.WithCallbackData("✅ Confirm", CallbackData.Confirm(confirmationId)),
        InlineKeyboardButton.WithCallbackData("✖ Cancel", CallbackData.Cancel(confirmationId)),
    });

    /// <summary>No buttons: removes a keyboard when a message is edited.</summary>
    public static InlineKeyboardMarkup None() => new(Array.Empty<IEnumerable<InlineKeyboardButton>>());

    /// <summary>The /cc main menu, two buttons a row.</summary>
    public static InlineKeyboardMarkup MainMenuMarkup() => new(
        MainMenu.Select(m => InlineKeyboardButton.WithCallbackData(m.Label, CallbackData.Menu(m.Key)))
            .Chunk(2).Select(row => (IEnumerable<InlineKeyboardButton>)row).ToList());

    /// <summary>The message a menu key stands for, or null for an unknown key (never trusted as free text).</summary>
    public static string? MenuCommand(string key) => MainMenu.FirstOrDefault(m => m.Key == key).Command;
}
