using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AiTradingBot.Core.Telemetry;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using AiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AiFinishReason = Microsoft.Extensions.AI.ChatFinishReason;
using OaChatMessage = OpenAI.Chat.ChatMessage;
using OaFinishReason = OpenAI.Chat.ChatFinishReason;

namespace AiTradingBot.Llm.OpenAI;

/// <summary>
/// <see cref="IChatClient"/> over the official OpenAI <see cref="ChatClient"/> (Microsoft.Extensions.AI.OpenAI is not
/// available here). Tools are declarations only: this adapter never invokes a function, it returns the calls.
/// Arguments that are not a JSON object (or repeat a key) come back as a <see cref="FunctionCallContent"/> with
/// <see cref="FunctionCallContent.Exception"/> set, so the caller can fail closed.
/// </summary>
public sealed class OpenAIChatClientAdapter(ChatClient client, Uri endpoint, string model) : IChatClient
{
    private readonly ChatClientMetadata _metadata = new("openai-compatible", endpoint, model);

    // Tool declarations are built once per host; their OpenAI form is too, instead of per request.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AIFunctionDeclaration, ChatTool> ToolCache = new();

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        using var activity = AiTradingBotTelemetry.Activities.StartActivity("model chat", System.Diagnostics.ActivityKind.Client);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        ChatCompletion completion;
        try
        {
            completion = (await client.CompleteChatAsync(ToOpenAI(messages), ToOpenAI(options), cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e)
        {
            RecordModelRequest(e is OperationCanceledException ? "cancelled" : "error", started, null);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error);
            throw;
        }
        RecordModelRequest("ok", started, completion.Usage);
        var contents = new List<AIContent>();
        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        if (!string.IsNullOrEmpty(text)) contents.Add(new TextContent(text));
        if (!string.IsNullOrEmpty(completion.Refusal)) contents.Add(new TextContent(completion.Refusal));
        foreach (var call in completion.ToolCalls)
            contents.Add(FunctionCall(call.Id, call.FunctionName, call.FunctionArguments?.ToString() ?? ""));
        return new ChatResponse(new AiChatMessage(ChatRole.Assistant, contents))
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            FinishReason = ToFinishReason(completion.FinishReason),
            Usage = completion.Usage is { } u
                ? new UsageDetails { InputTokenCount = u.InputTokenCount, OutputTokenCount = u.OutputTokenCount, TotalTokenCount = u.TotalTokenCount }
                : null,
            RawRepresentation = completion,
        };
    }

    // Token counts only when the server reports usage.
    private static void RecordModelRequest(string outcome, long started, ChatTokenUsage? usage)
    {
        AiTradingBotTelemetry.ModelRequests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        AiTradingBotTelemetry.ModelRequestDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (usage is null) return;
        AiTradingBotTelemetry.ModelTokens.Add(usage.InputTokenCount, new KeyValuePair<string, object?>("kind", "input"));
        AiTradingBotTelemetry.ModelTokens.Add(usage.OutputTokenCount, new KeyValuePair<string, object?>("kind", "output"));
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AiChatMessage> messages, ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Tool calls arrive in fragments keyed by index; they are emitted whole once the stream ends.
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Args)>();
        string? responseId = null, modelId = null;
        AiFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(ToOpenAI(messages), ToOpenAI(options), cancellationToken).ConfigureAwait(false))
        {
            responseId ??= update.CompletionId;
            modelId ??= update.Model;
            if (update.FinishReason is { } f) finish = ToFinishReason(f);
            foreach (var t in update.ToolCallUpdates)
            {
                var entry = calls.TryGetValue(t.Index, out var e) ? e : (null, null, new StringBuilder());
                entry.Id ??= t.ToolCallId;
                entry.Name ??= t.FunctionName;
                if (t.FunctionArgumentsUpdate is { } a && !a.IsEmpty) entry.Args.Append(a.ToString());
                calls[t.Index] = entry;
            }
            var text = string.Concat(update.ContentUpdate.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
            if (!string.IsNullOrEmpty(update.RefusalUpdate)) text += update.RefusalUpdate;
            if (text.Length > 0)
                yield return new ChatResponseUpdate(ChatRole.Assistant, text) { ResponseId = responseId, MessageId = responseId, ModelId = modelId };
        }
        if (calls.Count > 0 || finish is not null)
        {
            var contents = calls.Values.Select(c => (AIContent)FunctionCall(c.Id ?? "", c.Name ?? "", c.Args.ToString())).ToList();
            yield return new ChatResponseUpdate(ChatRole.Assistant, contents)
            {
                ResponseId = responseId, MessageId = responseId, ModelId = modelId, FinishReason = finish,
            };
        }
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is not null ? null
        : serviceType == typeof(ChatClientMetadata) ? _metadata
        : serviceType == typeof(ChatClient) ? client
        : serviceType.IsInstanceOfType(this) ? this
        : null;

    /// <inheritdoc />
    public void Dispose() { }

    /// <summary>A function call whose arguments are parsed strictly: a JSON object, each key once.</summary>
    public static FunctionCallContent FunctionCall(string callId, string name, string arguments) =>
        FunctionCallContent.CreateFromParsedArguments(arguments, callId, name, ParseArguments);

    private static Dictionary<string, object?> ParseArguments(string json)
    {
        using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("arguments must be a JSON object");
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
            // A repeated key would let one value be validated and another used; refuse it.
            if (!result.TryAdd(p.Name, p.Value.Clone())) throw new JsonException($"argument '{p.Name}' appears twice");
        return result;
    }

    private static List<OaChatMessage> ToOpenAI(IEnumerable<AiChatMessage> messages)
    {
        var result = new List<OaChatMessage>();
        foreach (var m in messages)
        {
            if (m.Role == ChatRole.System) result.Add(new SystemChatMessage(m.Text));
            else if (m.Role == ChatRole.User) result.Add(new UserChatMessage(m.Text));
            else if (m.Role == ChatRole.Assistant)
            {
                var calls = m.Contents.OfType<FunctionCallContent>()
                    .Select(c => ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, BinaryData.FromString(JsonSerializer.Serialize(c.Arguments ?? new Dictionary<string, object?>()))))
                    .ToList();
                if (calls.Count == 0) result.Add(new AssistantChatMessage(m.Text));
                else
                {
                    var assistant = new AssistantChatMessage(calls);
                    if (!string.IsNullOrEmpty(m.Text)) assistant.Content.Add(ChatMessageContentPart.CreateTextPart(m.Text));
                    result.Add(assistant);
                }
            }
            else if (m.Role == ChatRole.Tool)
            {
                foreach (var r in m.Contents.OfType<FunctionResultContent>())
                    result.Add(new ToolChatMessage(r.CallId, r.Result as string ?? JsonSerializer.Serialize(r.Result)));
            }
            else throw new NotSupportedException($"Chat role '{m.Role}' is not supported.");
        }
        return result;
    }

    private static ChatCompletionOptions? ToOpenAI(ChatOptions? options)
    {
        if (options is null) return null;
        var result = new ChatCompletionOptions
        {
            Temperature = options.Temperature,
            MaxOutputTokenCount = options.MaxOutputTokens,
        };
        foreach (var tool in options.Tools ?? [])
        {
            if (tool is not AIFunctionDeclaration f) throw new NotSupportedException($"Tool '{tool.Name}' is not a function declaration.");
            result.Tools.Add(ToolCache.GetValue(f, d => ChatTool.CreateFunctionTool(d.Name, d.Description, BinaryData.FromString(d.JsonSchema.GetRawText()))));
        }
        if (result.Tools.Count > 0)
        {
            result.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => ChatToolChoice.CreateNoneChoice(),
                RequiredChatToolMode { RequiredFunctionName: { } name } => ChatToolChoice.CreateFunctionChoice(name),
                RequiredChatToolMode => ChatToolChoice.CreateRequiredChoice(),
                _ => ChatToolChoice.CreateAutoChoice(),
            };
            if (options.AllowMultipleToolCalls is { } parallel) result.AllowParallelToolCalls = parallel;
        }
        return result;
    }

    private static AiFinishReason? ToFinishReason(OaFinishReason reason) => reason switch
    {
        OaFinishReason.Stop => AiFinishReason.Stop,
        OaFinishReason.Length => AiFinishReason.Length,
        OaFinishReason.ToolCalls or OaFinishReason.FunctionCall => AiFinishReason.ToolCalls,
        OaFinishReason.ContentFilter => AiFinishReason.ContentFilter,
        _ => null,
    };
}
