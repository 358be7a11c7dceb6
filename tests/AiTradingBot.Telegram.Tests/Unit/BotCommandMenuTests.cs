using AiTradingBot.Core.Catalog;
using AiTradingBot.Telegram.Updates;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class BotCommandMenuTests
{
    [Fact]
    public void The_menu_has_every_catalog_slash_command_plus_cc()
    {
        var menu = BotCommandMenu.Build();

        var expected = ActionCatalog.All.Where(d => d.Slash is not null).Select(d => d.Slash!).Distinct().Append("cc");
        Assert.Equal(expected, menu.Select(c => c.Command));
        Assert.All(menu, c => Assert.Matches("^[a-z0-9_]{1,32}$", c.Command));
        Assert.All(menu, c => Assert.InRange(c.Description.Length, 1, 256));
        Assert.Contains(menu, c => c.Command == "terminate" && c.Description.Contains("asks to confirm"));
    }
}
