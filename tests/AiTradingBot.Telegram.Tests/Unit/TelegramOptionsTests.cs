using AiTradingBot.Core.Assistant;
using AiTradingBot.Telegram.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Telegram.Tests.Unit;

public sealed class TelegramOptionsTests
{
    private static ValidateOptionsResult Validate(TelegramOptions o) => new TelegramOptionsValidator().Validate(null, o);

    private static TelegramOptions Valid() => new() { BotToken = "123:abc_DEF-1", AdminIds = [1001] };

    [Fact]
    public void A_token_and_one_admin_are_enough() => Assert.True(Validate(Valid()).Succeeded);

    [Fact]
    public void A_missing_token_says_where_to_get_one()
    {
        var result = Validate(Valid().With(o => o.BotToken = " "));
        Assert.Contains("@BotFather", result.FailureMessage);
    }

    [Fact]
    public void A_malformed_token_is_refused_without_echoing_it()
    {
        var result = Validate(Valid().With(o => o.BotToken = "not a token SECRET"));
        Assert.False(result.Succeeded);
        Assert.DoesNotContain("SECRET", result.FailureMessage);
    }

    [Fact]
    public void No_admins_is_refused() => Assert.Contains("AdminIds is empty", Validate(Valid().With(o => o.AdminIds = [])).FailureMessage);

    [Fact]
    public void A_group_chat_id_in_admin_ids_is_refused_because_authorization_is_by_user()
    {
        var result = Validate(Valid().With(o => o.AdminIds = [1001, -1001234567890]));
        Assert.Contains("USER ids", result.FailureMessage);
    }

    [Fact]
    public void Webhook_mode_needs_an_https_url_and_a_secret()
    {
        var result = Validate(Valid().With(o => { o.Mode = TelegramMode.Webhook; o.WebhookUrl = "http://example.com/hook"; }));
        Assert.Contains("https", result.FailureMessage);
        Assert.Contains("WebhookSecret", result.FailureMessage);
        Assert.True(Validate(Valid().With(o => { o.Mode = TelegramMode.Webhook; o.WebhookUrl = "https://bot.example.com/telegram/webhook"; o.WebhookSecret = "s3cret_-X"; })).Succeeded);
    }

    [Fact]
    public void Roles_come_from_user_ids()
    {
        var o = Valid().With(x => x.ViewerIds = [2002]);
        Assert.Equal(UserRole.Admin, o.RoleOf(1001));
        Assert.Equal(UserRole.Viewer, o.RoleOf(2002));
        Assert.Equal(UserRole.None, o.RoleOf(3003));
        Assert.Equal("123", o.BotId);
        Assert.DoesNotContain("abc", o.ToString());
    }

    [Fact]
    public void Nothing_is_registered_without_a_token()
    {
        var services = new ServiceCollection();
        services.AddAiTradingBotTelegram(new ConfigurationBuilder().Build());
        Assert.Empty(services);
    }

    [Fact]
    public void Invalid_configuration_fails_at_start_with_the_reasons()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Telegram:BotToken"] = "123:abc" }).Build();
        using var provider = new ServiceCollection().AddLogging().AddAiTradingBotTelegram(configuration).BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<TelegramOptions>>().Value);
        Assert.Contains("AdminIds is empty", e.Message);
    }
}

internal static class OptionsExtensions
{
    public static TelegramOptions With(this TelegramOptions o, Action<TelegramOptions> change)
    {
        change(o);
        return o;
    }
}
