using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Validation;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Core.Tests.Validation;

public sealed class CatalogValidationTests
{
    private static ServiceCollection Services(IDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        services.AddAiTradingBotCore(new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build());
        return services;
    }

    [Fact]
    public void Every_catalog_action_has_a_validator_resolved_from_di_as_IValidator_of_its_args()
    {
        using var provider = Services().BuildServiceProvider();
        foreach (var action in ActionCatalog.All)
            Assert.NotNull(provider.GetService(typeof(IValidator<>).MakeGenericType(action.ArgsType)));
        Assert.NotNull(provider.GetRequiredService<IOptions<CoreServiceCollectionExtensions.CatalogValidation>>().Value);
    }

    [Fact]
    public void Start_fails_naming_the_action_when_a_catalog_action_has_no_validator()
    {
        var services = Services();
        services.Remove(services.Single(d => d.ServiceType == typeof(IValidator<SystemRemoveArgs>)));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<CoreServiceCollectionExtensions.CatalogValidation>>().Value);
        Assert.Contains("system.remove", e.Message);
    }

    [Theory]
    [InlineData("nope", "grid-1", "BTCUSDT", "Unknown template 'nope'")]
    [InlineData("grid", "Bad Name!", "BTCUSDT", "not a valid bot name")]
    [InlineData("grid", "alpha", "BTCUSDT", "is a configured system")]
    [InlineData("grid", "grid-1", "BTC/USDT!", "is not an exchange symbol")]
    public void Launch_arguments_are_checked_before_the_card(string template, string name, string symbol, string expected)
    {
        using var provider = Services(new Dictionary<string, string?>
        {
            ["Launch:Templates:grid:Image"] = "busybox", ["Systems:alpha:Container"] = "alpha",
        }).BuildServiceProvider();
        var outcome = provider.GetRequiredService<PlanValidator>().Validate([new PlanStep(new SystemLaunchArgs(template, name, symbol))], MarketSnapshot.Empty);
        Assert.Contains(outcome.Errors, m => m.Contains(expected, StringComparison.Ordinal));
        Assert.Empty(provider.GetRequiredService<PlanValidator>().Validate([new PlanStep(new SystemLaunchArgs("grid", "grid-1", "BTCUSDT"))], MarketSnapshot.Empty).Errors);
    }

    [Fact]
    public void Remove_refuses_a_configured_system_and_a_bad_name()
    {
        using var provider = Services(new Dictionary<string, string?> { ["Systems:alpha:Container"] = "alpha" }).BuildServiceProvider();
        var validator = provider.GetRequiredService<PlanValidator>();
        Assert.Contains(validator.Validate([new PlanStep(new SystemRemoveArgs("alpha"))], MarketSnapshot.Empty).Errors, m => m.Contains("configured system"));
        Assert.Contains(validator.Validate([new PlanStep(new SystemRemoveArgs("a b"))], MarketSnapshot.Empty).Errors, m => m.Contains("not a valid bot name"));
        Assert.Empty(validator.Validate([new PlanStep(new SystemRemoveArgs("grid-1"))], MarketSnapshot.Empty).Errors);
    }
}
