using AiTradingBot.Core.Language;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace AiTradingBot.Llm.Tests;

/// <summary>AddAiTradingBotLlm registers the model only when configured, with validated options.</summary>
public sealed class RegistrationTests
{
    private static ServiceProvider Build(params (string Key, string Value)[] values)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAiTradingBotLlm(config);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Nothing_configured_means_off_and_no_model()
    {
        using var sp = Build();
        Assert.Null(sp.GetService<ILanguageModelInterpreter>());
        Assert.Equal(LanguageModelMode.Off, sp.GetRequiredService<IOptions<LlmOptions>>().Value.EffectiveMode);
    }

    [Fact]
    public void An_endpoint_without_a_mode_means_fallback()
    {
        using var sp = Build(("Llm:Endpoint", "http://127.0.0.1:11434/v1"), ("Llm:Model", "qwen2.5"));
        var model = sp.GetRequiredService<ILanguageModelInterpreter>();
        Assert.Equal(LanguageModelMode.Fallback, model.Mode);
        Assert.Equal("qwen2.5 at 127.0.0.1:11434", model.Description);
    }

    [Fact]
    public void Mode_off_wins_over_a_configured_endpoint()
    {
        using var sp = Build(("Llm:Mode", "off"), ("Llm:Endpoint", "http://127.0.0.1:11434/v1"), ("Llm:Model", "m"));
        Assert.Null(sp.GetService<ILanguageModelInterpreter>());
    }

    [Theory]
    [InlineData("primary", "", "m", "Llm:Endpoint is not set")]
    [InlineData("primary", "ftp://x", "m", "absolute http or https URL")]
    [InlineData("fallback", "http://127.0.0.1:1/v1", "", "Llm:Model must name the model")]
    public void A_half_configured_model_fails_at_start_with_a_clear_message(string mode, string endpoint, string model, string message)
    {
        using var sp = Build(("Llm:Mode", mode), ("Llm:Endpoint", endpoint), ("Llm:Model", model));
        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<LlmOptions>>().Value);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Limits_are_validated()
    {
        using var sp = Build(("Llm:TimeoutSeconds", "0"), ("Llm:MaxContextTurns", "500"), ("Llm:MaxRetries", "9"), ("Llm:RetryDelayMilliseconds", "0"));
        var e = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<LlmOptions>>().Value);
        Assert.Contains("Llm:TimeoutSeconds", e.Message);
        Assert.Contains("Llm:MaxContextTurns", e.Message);
        Assert.Contains("Llm:MaxRetries", e.Message);
        Assert.Contains("Llm:RetryDelayMilliseconds", e.Message);
    }

    [Fact]
    public void The_api_key_never_appears_in_the_description()
    {
        using var sp = Build(("Llm:Mode", "primary"), ("Llm:Endpoint", "https://user:pw@api.example.test/v1"), ("Llm:Model", "gpt"), ("Llm:ApiKey", "sk-SECRET"));
        var description = sp.GetRequiredService<ILanguageModelInterpreter>().Description;
        Assert.DoesNotContain("SECRET", description);
        Assert.DoesNotContain("pw", description);
        Assert.Equal("gpt at api.example.test", description);
    }
}
