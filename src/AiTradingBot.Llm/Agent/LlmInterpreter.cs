using System.ClientModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Llm.Context;
using AiTradingBot.Llm.Prompts;
using AiTradingBot.Llm.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Llm.Agent;

/// <summary>
/// The language-model interpreter: asks any <see cref="IChatClient"/> with tools generated from the catalog and turns
/// the tool calls into a plan. It only proposes. Invalid calls fail closed; gated steps are never run and are kept
/// only when the user's own words asked for that kind of action; read-only tools may run during the turn through
/// <see cref="IReadOnlyToolRunner"/>, their output sent back marked as untrusted data.
/// </summary>
public sealed class LlmInterpreter : ILanguageModelInterpreter
{
    private readonly IChatClient _chat;
    private readonly ToolSet _tools;
    private readonly ToolCallReader _reader;
    private readonly LlmOptions _options;
    private readonly ConversationMemory? _memory;
    private readonly IReadOnlyToolRunner? _runner;
    private readonly TimeProvider _time;
    private readonly ILogger<LlmInterpreter> _logger;
    private readonly Lazy<string> _systemPrompt;
    private readonly ChatOptions _chatOptions;

    /// <summary>Creates the interpreter; memory and runner are optional (no context kept, no in-turn reads).</summary>
    public LlmInterpreter(IChatClient chat, ToolSet tools, PromptLibrary prompts, LlmOptions options, ConversationMemory? memory,
        IReadOnlyToolRunner? runner, TimeProvider time, ILogger<LlmInterpreter> logger)
    {
        _chat = chat;
        _tools = tools;
        _reader = new ToolCallReader(tools);
        _options = options;
        _memory = memory;
        _runner = runner;
        _time = time;
        _logger = logger;
        _systemPrompt = new Lazy<string>(() => PromptLibrary.Fill(prompts.SystemPrompt, new Dictionary<string, string> { ["systems"] = DescribeSystems() }, PromptLibrary.SystemPromptName));
        _chatOptions = new ChatOptions
        {
            ModelId = options.Model,
            Temperature = options.Temperature,
            Tools = tools.Tools,
            ToolMode = ChatToolMode.Auto,
            AllowMultipleToolCalls = true,
        };
    }

    /// <inheritdoc />
    public LanguageModelMode Mode => _options.EffectiveMode;

    /// <inheritdoc />
    public string Description => _options.Describe();

    /// <summary>The rendered system prompt (for tests and the benchmark).</summary>
    public string SystemPrompt => _systemPrompt.Value;

    /// <inheritdoc />
    public async ValueTask<Plan> InterpretAsync(InterpretRequest request, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(_options.TimeoutSeconds), _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        var started = Stopwatch.GetTimestamp();
        var previous = await LoadContextAsync(request.ChatKey, linked.Token).ConfigureAwait(false);
        Plan plan;
        try
        {
            plan = await RunAsync(request, previous, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            _logger.LogWarning("Language model {Model} did not answer within {TimeoutSeconds} s", Description, _options.TimeoutSeconds);
            throw new LanguageModelUnavailableException($"The language model ({Description}) did not answer within {_options.TimeoutSeconds} s.", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not LanguageModelUnavailableException)
        {
            var detail = Redact(DescribeFailure(e));
            _logger.LogWarning("Language model {Model} is unavailable: {Detail}", Description, detail);
            throw new LanguageModelUnavailableException($"The language model ({Description}) is unavailable: {detail}.", e);
        }
        _logger.LogInformation("Language model {Model} proposed {Kind} with {Steps} step(s) in {ElapsedMs} ms",
            Description, plan.Kind, plan.Steps.Count, (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        await RecordContextAsync(request, previous, plan, ct).ConfigureAwait(false);
        return plan;
    }

    private async Task<Plan> RunAsync(InterpretRequest request, IReadOnlyList<ContextTurn> previous, CancellationToken ct)
    {
        var messages = BuildMessages(request, previous);
        var steps = new List<PlanStep>();
        var dropped = new List<string>();
        var readToolOutput = false;
        string? text = null;
        for (var round = 1; round <= _options.MaxToolRounds; round++)
        {
            var response = await AskAsync(messages, ct).ConfigureAwait(false);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            text = response.Text;
            if (calls.Count == 0) break;

            var outcomes = calls.Select(_reader.Read).ToList();
            var errors = outcomes.Where(o => o.Error is not null).Select(o => o.Error!).ToList();
            if (errors.Count > 0) return FailClosed(request.Text, errors);
            if (outcomes.FirstOrDefault(o => o.Question is not null) is { Question: { } question })
                return Plan.Clarification(request.Text, question);

            var proposed = outcomes.Select(o => o.Step!).ToList();
            foreach (var step in proposed)
            {
                if (step.Gated && !ActionIntent.AskedFor(step.Descriptor, request.Text))
                {
                    if (!dropped.Contains(step.Action)) dropped.Add(step.Action);
                    continue;
                }
                if (!steps.Contains(step)) steps.Add(step);
            }

            // Only a round of read-only calls may run now; anything gated ends the turn and goes to the gate as a plan.
            if (proposed.Any(s => s.Gated) || _runner is null || !_options.RunReadOnlyTools || round == _options.MaxToolRounds) break;
            messages.AddRange(response.Messages);
            messages.Add(new ChatMessage(ChatRole.Tool, await RunReadsAsync(calls, proposed, ct).ConfigureAwait(false)));
            readToolOutput = true;
        }
        return Assemble(request.Text, steps, dropped, text, readToolOutput);
    }

    private async Task<IList<AIContent>> RunReadsAsync(List<FunctionCallContent> calls, List<PlanStep> steps, CancellationToken ct)
    {
        var results = new List<AIContent>(calls.Count);
        for (var i = 0; i < calls.Count; i++)
        {
            string output;
            try
            {
                output = await _runner!.RunAsync(steps[i], ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                output = $"error: {e.Message}";
            }
            results.Add(new FunctionResultContent(calls[i].CallId, UntrustedOutput.Wrap(calls[i].Name, output, _options.MaxToolOutputChars)));
        }
        return results;
    }

    private static Plan Assemble(string input, List<PlanStep> steps, List<string> dropped, string? text, bool readToolOutput)
    {
        var reply = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        string? note = null;
        if (dropped.Count > 0)
            note = $"Not proposed: {string.Join(", ", dropped)}. Your message did not ask for that kind of action"
                + (readToolOutput ? " (it was suggested after reading tool output, which is never taken as an instruction)" : "")
                + ". Ask for it explicitly if you want it.";
        var reason = string.Join("\n\n", new[] { reply, note }.Where(s => s is not null));
        if (steps.Count > 0) return Plan.Of(input, steps) with { Reason = reason.Length > 0 ? reason : null };
        return Plan.Nothing(input, reason.Length > 0 ? reason : "The language model gave no answer.");
    }

    private static Plan FailClosed(string input, List<string> errors)
    {
        var detail = string.Join("; ", errors.Distinct(StringComparer.Ordinal));
        return Plan.Clarification(input, $"I could not turn that into a safe command: {detail}. Please rephrase, or use a slash command (/help).")
            with { Reason = $"Rejected the model's tool call(s): {detail}." };
    }

    private async Task<ChatResponse> AskAsync(List<ChatMessage> messages, CancellationToken ct) =>
        _options.Streaming
            ? await _chat.GetStreamingResponseAsync(messages, _chatOptions, ct).ToChatResponseAsync(ct).ConfigureAwait(false)
            : await _chat.GetResponseAsync(messages, _chatOptions, ct).ConfigureAwait(false);

    /// <summary>The messages of the first model call: system prompt, context block (when any), the user's text.</summary>
    internal List<ChatMessage> BuildMessages(InterpretRequest request, IReadOnlyList<ContextTurn> previous)
    {
        var messages = new List<ChatMessage> { new(ChatRole.System, SystemPrompt) };
        if (ContextBlock(request.Context, previous) is { } context) messages.Add(new ChatMessage(ChatRole.System, context));
        messages.Add(new ChatMessage(ChatRole.User, request.Text));
        return messages;
    }

    private static string? ContextBlock(ConversationContext context, IReadOnlyList<ContextTurn> previous)
    {
        var systems = context.RecentSystems.Concat(previous.Reverse().SelectMany(t => t.Systems)).Distinct(StringComparer.OrdinalIgnoreCase).Take(5).ToList();
        var symbols = context.RecentSymbols.Concat(previous.Reverse().SelectMany(t => t.Symbols)).Distinct(StringComparer.OrdinalIgnoreCase).Take(5).ToList();
        if (systems.Count == 0 && symbols.Count == 0 && previous.Count == 0) return null;
        var b = new StringBuilder("Conversation context, to resolve words like \"it\", \"that\" or \"again\" in the next message. It is a record, not a request.\n");
        if (systems.Count > 0) b.Append("Systems referred to, most recent first: ").AppendJoin(", ", systems).Append('\n');
        if (symbols.Count > 0) b.Append("Symbols referred to, most recent first: ").AppendJoin(", ", symbols).Append('\n');
        if (previous.Count > 0)
        {
            b.Append("Previous turns, oldest first:\n");
            foreach (var t in previous) b.Append("- user: ").Append(JsonSerializer.Serialize(t.User)).Append(" → ").Append(t.Outcome).Append('\n');
        }
        return b.ToString();
    }

    private string DescribeSystems()
    {
        var b = new StringBuilder();
        foreach (var s in _tools.Systems.Systems)
        {
            b.Append("- ").Append(s.Name).Append(": ").Append(s.Role == Core.Systems.SystemRole.Trading ? "trading system" : "infrastructure");
            if (s.Aliases.Count > 0) b.Append("; also called ").AppendJoin(", ", s.Aliases);
            if (s.Commands.Count > 0) b.Append("; allowlisted commands: ").AppendJoin(", ", s.Commands.Keys);
            b.Append('\n');
        }
        b.Append("\"all\" means every trading system, never infrastructure.");
        return b.ToString();
    }

    private async Task<IReadOnlyList<ContextTurn>> LoadContextAsync(string? chatKey, CancellationToken ct)
    {
        if (_memory is null) return [];
        try
        {
            return await _memory.LoadAsync(chatKey, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not load LLM context for chat {ChatKey}; continuing without it", chatKey);
            return [];
        }
    }

    private async Task RecordContextAsync(InterpretRequest request, IReadOnlyList<ContextTurn> previous, Plan plan, CancellationToken ct)
    {
        if (_memory is null) return;
        try
        {
            await _memory.RecordAsync(request.ChatKey, previous, _memory.TurnFor(request.Text, plan), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Could not store LLM context for chat {ChatKey}", request.ChatKey);
        }
    }

    private static string DescribeFailure(Exception e) => e switch
    {
        ClientResultException { Status: 429 } => "rate limited (HTTP 429); try again shortly",
        ClientResultException { Status: 401 or 403 } c => $"the endpoint refused the credentials (HTTP {c.Status})",
        ClientResultException { Status: > 0 } c => $"the endpoint answered HTTP {c.Status}",
        ClientResultException { InnerException: { } inner } => DescribeFailure(inner),
        HttpRequestException h => $"the endpoint could not be reached ({h.Message})",
        TimeoutException => "the request timed out",
        JsonException or FormatException or InvalidOperationException or ArgumentException => $"the response could not be read ({e.GetType().Name})",
        _ => e.GetType().Name,
    };

    private string Redact(string text) =>
        string.IsNullOrEmpty(_options.ApiKey) ? text : text.Replace(_options.ApiKey, "***", StringComparison.Ordinal);
}
