using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Plans;

namespace AiTradingBot.Core.Language;

/// <summary>What an interpreter is given: the text and the chat's recent context.</summary>
public sealed record InterpretRequest(string Text, ConversationContext Context, string? ChatKey = null)
{
    /// <summary>A request without context.</summary>
    public static InterpretRequest Of(string text) => new(text, ConversationContext.Empty);
}

/// <summary>Turns a message into a plan. Interpreters only propose; they never execute anything.</summary>
public interface IInterpreter
{
    /// <summary>The plan for a message (possibly clarify or none).</summary>
    ValueTask<Plan> InterpretAsync(InterpretRequest request, CancellationToken ct);
}

/// <summary>
/// A language-model interpreter, registered only when a model is configured. It may be asked for any free text
/// (primary mode) or only for what the offline parser could not turn into a plan (fallback mode).
/// </summary>
public interface ILanguageModelInterpreter : IInterpreter
{
    /// <summary>off, fallback or primary.</summary>
    LanguageModelMode Mode { get; }

    /// <summary>Human-readable description (endpoint host and model), without secrets.</summary>
    string Description { get; }
}

/// <summary>When the language model is consulted.</summary>
public enum LanguageModelMode { Off, Fallback, Primary }
