using AiTradingBot.Core.Language;

namespace AiTradingBot.Llm;

/// <summary>The <c>Llm</c> configuration section: which OpenAI-compatible endpoint to use, when, and with which limits.</summary>
public sealed class LlmOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Llm";

    /// <summary>off, fallback or primary; unset means fallback when an endpoint is configured, otherwise off.</summary>
    public LanguageModelMode? Mode { get; set; }

    /// <summary>Base URL of an OpenAI-compatible API, e.g. <c>https://api.openai.com/v1</c> or <c>http://127.0.0.1:11434/v1</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>API key; never logged. Local servers (Ollama, llama.cpp) usually need none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Model name, e.g. <c>gpt-4o-mini</c> or <c>qwen2.5:7b-instruct</c>.</summary>
    public string Model { get; set; } = "";

    /// <summary>Upper bound for one whole interpretation (all model rounds and read-only tool runs), in seconds.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Retries of one model call after HTTP 429, 5xx or a transport failure (0: none).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>First retry delay in milliseconds; later ones back off exponentially (with jitter; Retry-After wins).</summary>
    public int RetryDelayMilliseconds { get; set; } = 500;

    /// <summary>Use streaming chat completions (some servers only stream tool calls reliably).</summary>
    public bool Streaming { get; set; }

    /// <summary>How many model calls one message may take (read-only tool results are fed back between them).</summary>
    public int MaxToolRounds { get; set; } = 3;

    /// <summary>Whether read-only tools run during the model's turn so it can answer questions about their output.</summary>
    public bool RunReadOnlyTools { get; set; } = true;

    /// <summary>Characters of one tool output sent back to the model; the rest is cut.</summary>
    public int MaxToolOutputChars { get; set; } = 4000;

    /// <summary>How many previous turns per chat are kept for context.</summary>
    public int MaxContextTurns { get; set; } = 6;

    /// <summary>Approximate token budget (4 characters per token) of the kept context.</summary>
    public int MaxContextTokens { get; set; } = 1500;

    /// <summary>How long a chat's context is kept after its last message, in minutes.</summary>
    public int ContextTtlMinutes { get; set; } = 120;

    /// <summary>Sampling temperature; 0 makes tool selection as repeatable as the server allows.</summary>
    public float Temperature { get; set; }

    /// <summary>Folder with <c>system.md</c> and report templates; default: <c>prompts/</c> next to the app, else in the working directory.</summary>
    public string? PromptsDirectory { get; set; }

    /// <summary>A system prompt file that replaces <c>prompts/system.md</c>.</summary>
    public string? SystemPromptFile { get; set; }

    /// <summary>The effective mode: an explicit mode, else fallback when an endpoint is set, else off.</summary>
    public LanguageModelMode EffectiveMode =>
        Mode ?? (string.IsNullOrWhiteSpace(Endpoint) ? LanguageModelMode.Off : LanguageModelMode.Fallback);

    /// <summary>Endpoint host and model for logs and status lines; never the key.</summary>
    public string Describe() =>
        Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) ? $"{Model} at {uri.Authority}" : Model;
}
