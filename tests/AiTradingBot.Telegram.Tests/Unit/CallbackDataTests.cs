using System.Text;
using AiTradingBot.Telegram.Rendering;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class CallbackDataTests
{
    [Fact]
    public void Confirm_and_cancel_are_short_prefixed_ids()
    {
        Assert.Equal("c:AB12CD34", CallbackData.Confirm("AB12CD34"));
        Assert.Equal("x:AB12CD34", CallbackData.Cancel("AB12CD34"));
        Assert.Equal(new CallbackData(CallbackAction.Confirm, "AB12CD34"), CallbackData.Parse("c:AB12CD34"));
        Assert.Equal(new CallbackData(CallbackAction.Cancel, "AB12CD34"), CallbackData.Parse("x:AB12CD34"));
        Assert.Equal(new CallbackData(CallbackAction.Menu, "sitrep"), CallbackData.Parse("m:sitrep"));
    }

    [Fact]
    public void Every_button_the_bot_makes_fits_telegrams_64_bytes()
    {
        var all = Keyboards.Confirmation(new string('Z', 32)).InlineKeyboard.Concat(Keyboards.MainMenuMarkup().InlineKeyboard).SelectMany(r => r);
        Assert.All(all, b => Assert.True(Encoding.UTF8.GetByteCount(b.CallbackData ?? "") is > 0 and < CallbackData.MaxBytes));
    }

    [Fact]
    public void Ids_that_would_not_fit_or_are_not_plain_are_refused_when_made()
    {
        Assert.Throws<ArgumentException>(() => CallbackData.Confirm(new string('A', 63)));
        Assert.Throws<ArgumentException>(() => CallbackData.Confirm("a b"));
        Assert.Throws<ArgumentException>(() => CallbackData.Confirm(""));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("c:")]
    [InlineData("q:AB12")]
    [InlineData("cAB12")]
    [InlineData("c:AB 12")]
    [InlineData("m:/killswitch CONFIRM")]
    [InlineData("c:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Anything_else_is_not_parsed(string? data) => Assert.Null(CallbackData.Parse(data));

    [Fact]
    public void Menu_keys_map_to_fixed_commands_and_unknown_keys_to_nothing()
    {
        Assert.Equal("/sitrep", Keyboards.MenuCommand("sitrep"));
        Assert.Equal("/deploy all", Keyboards.MenuCommand("deploy"));
        Assert.Equal("/killswitch", Keyboards.MenuCommand("killswitch"));
        Assert.Equal("/balance", Keyboards.MenuCommand("balance"));
        Assert.Equal("/pnl", Keyboards.MenuCommand("pnl"));
        Assert.Null(Keyboards.MenuCommand("terminate"));
    }
}
