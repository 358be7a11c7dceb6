using AiTradingBot.Core.Language;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Llm;

/// <summary>Checks the <c>Llm</c> section at start so a misconfigured model fails loudly, not on the first message.</summary>
public sealed class LlmOptionsValidator : IValidateOptions<LlmOptions>
{
    /// <summary>Validates the options; when the mode is off only the limits are checked.</summary>
    public ValidateOptionsResult Validate(string? name, LlmOptions options)
    {
        var errors = new List<string>();
        if (options.TimeoutSeconds is < 1 or > 600) errors.Add("Llm:TimeoutSeconds must be between 1 and 600.");
        if (options.MaxRetries is < 0 or > 5) errors.Add("Llm:MaxRetries must be between 0 and 5.");
        if (options.RetryDelayMilliseconds is < 1 or > 60_000) errors.Add("Llm:RetryDelayMilliseconds must be between 1 and 60000.");
        if (options.MaxToolRounds is < 1 or > 8) errors.Add("Llm:MaxToolRounds must be between 1 and 8.");
        if (options.MaxToolOutputChars is < 200 or > 100_000) errors.Add("Llm:MaxToolOutputChars must be between 200 and 100000.");
        if (options.MaxContextTurns is < 0 or > 50) errors.Add("Llm:MaxContextTurns must be between 0 and 50.");
        if (options.MaxContextTokens is < 0 or > 100_000) errors.Add("Llm:MaxContextTokens must be between 0 and 100000.");
        if (options.ContextTtlMinutes is < 1 or > 10_080) errors.Add("Llm:ContextTtlMinutes must be between 1 and 10080.");
        if (options.Temperature is < 0 or > 2) errors.Add("Llm:Temperature must be between 0 and 2.");
        if (options.EffectiveMode != LanguageModelMode.Off)
        {
            if (string.IsNullOrWhiteSpace(options.Endpoint))
                errors.Add($"Llm:Mode is {options.EffectiveMode.ToString().ToLowerInvariant()} but Llm:Endpoint is not set (an OpenAI-compatible base URL such as http://127.0.0.1:11434/v1).");
            else if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                errors.Add("Llm:Endpoint must be an absolute http or https URL.");
            if (string.IsNullOrWhiteSpace(options.Model)) errors.Add("Llm:Model must name the model to use.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
