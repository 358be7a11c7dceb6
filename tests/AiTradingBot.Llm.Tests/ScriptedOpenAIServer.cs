using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Llm.Tests;

/// <summary>One scripted answer of the fake model.</summary>
public sealed record ScriptedReply
{
    /// <summary>Assistant text (may be combined with tool calls).</summary>
    public string? Text { get; init; }

    /// <summary>Tool calls: name and raw arguments text (sent verbatim, so it may be malformed on purpose).</summary>
    public IReadOnlyList<(string Name, string Arguments)> ToolCalls { get; init; } = [];

    /// <summary>Non-200 status to return instead of a completion.</summary>
    public int? Status { get; init; }

    /// <summary>Delay before answering (a slow or hung model).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Plain text answer.</summary>
    public static ScriptedReply Say(string text) => new() { Text = text };

    /// <summary>Tool calls with JSON-object arguments.</summary>
    public static ScriptedReply Call(params (string Name, object Args)[] calls) =>
        new() { ToolCalls = calls.Select(c => (c.Name, c.Args as string ?? JsonSerializer.Serialize(c.Args))).ToList() };

    /// <summary>An HTTP error.</summary>
    public static ScriptedReply Fail(int status) => new() { Status = status };
}

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (Kestrel, real HTTP) that answers from a script,
/// streaming when the request asks for it, and records every request body for assertions. Like the real API it
/// refuses (HTTP 400) a conversation in which an assistant's tool call has no tool result, or a result answers no call.
/// </summary>
public sealed class ScriptedOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ScriptedReply> _script = new();
    private readonly ConcurrentQueue<JsonNode> _requests = new();
    private int _ids;

    private ScriptedOpenAIServer(WebApplication app) => _app = app;

    /// <summary>Base URL to configure as <c>Llm:Endpoint</c>, e.g. http://127.0.0.1:41234/v1.</summary>
    public string Endpoint { get; private set; } = "";

    /// <summary>Request bodies received, in order.</summary>
    public IReadOnlyList<JsonNode> Requests => _requests.ToList();

    /// <summary>Authorization headers received, in order.</summary>
    public ConcurrentQueue<string> AuthorizationHeaders { get; } = new();

    /// <summary>Requests refused with HTTP 400 because tool calls and tool results did not match.</summary>
    public ConcurrentQueue<string> ProtocolErrors { get; } = new();

    /// <summary>Fallback when the script is empty: a function of the request body (e.g. keyed by the user's text).</summary>
    public Func<JsonNode, ScriptedReply>? Responder { get; set; }

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<ScriptedOpenAIServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new ScriptedOpenAIServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetService(typeof(IServer)) is IServer s ? s.Features.Get<IServerAddressesFeature>()!.Addresses.First() : throw new InvalidOperationException();
        server.Endpoint = address.TrimEnd('/') + "/v1";
        return server;
    }

    /// <summary>Queues answers, one per request.</summary>
    public ScriptedOpenAIServer Then(params ScriptedReply[] replies)
    {
        foreach (var r in replies) _script.Enqueue(r);
        return this;
    }

    /// <summary>The user message of a recorded request.</summary>
    public static string UserText(JsonNode request) =>
        request["messages"]!.AsArray().Last(m => (string?)m!["role"] == "user")!["content"] switch
        {
            JsonValue v => (string)v!,
            JsonArray parts => string.Concat(parts.Select(p => (string?)p!["text"])),
            _ => "",
        };

    private async Task HandleAsync(HttpContext http)
    {
        var body = (await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted))!;
        _requests.Enqueue(body);
        AuthorizationHeaders.Enqueue(http.Request.Headers.Authorization.ToString());
        if (ProtocolError(body) is { } error)
        {
            ProtocolErrors.Enqueue(error);
            http.Response.StatusCode = 400;
            await http.Response.WriteAsJsonAsync(new { error = new { message = error, type = "invalid_request_error" } });
            return;
        }
        var reply = _script.TryDequeue(out var next) ? next : Responder?.Invoke(body) ?? ScriptedReply.Say("(script exhausted)");
        if (reply.Delay > TimeSpan.Zero)
        {
            try { await Task.Delay(reply.Delay, http.RequestAborted); }
            catch (OperationCanceledException) { return; }
        }
        if (reply.Status is { } status)
        {
            http.Response.StatusCode = status;
            await http.Response.WriteAsJsonAsync(new { error = new { message = $"scripted failure {status}", type = "server_error" } });
            return;
        }
        var id = $"chatcmpl-{Interlocked.Increment(ref _ids)}";
        var model = (string?)body["model"] ?? "scripted";
        if ((bool?)body["stream"] == true) await StreamAsync(http, id, model, reply);
        else await http.Response.WriteAsync(Completion(id, model, reply).ToJsonString(), http.RequestAborted);
    }

    // The rule real servers enforce: every tool_call_id of an assistant message is answered by a tool message before
    // the next non-tool message, and every tool message answers a call.
    private static string? ProtocolError(JsonNode body)
    {
        var open = new HashSet<string>();
        foreach (var m in body["messages"]!.AsArray())
        {
            var role = (string?)m!["role"];
            if (role == "tool")
            {
                var id = (string?)m["tool_call_id"] ?? "";
                if (!open.Remove(id)) return $"Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (id {id}).";
                continue;
            }
            if (open.Count > 0)
                return $"An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. Missing: {string.Join(", ", open)}.";
            if (role == "assistant" && m["tool_calls"] is JsonArray calls)
                foreach (var c in calls) open.Add((string?)c!["id"] ?? "");
        }
        return open.Count > 0 ? $"Tool calls without a tool result: {string.Join(", ", open)}." : null;
    }

    private static JsonObject Completion(string id, string model, ScriptedReply reply)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = reply.Text };
        if (reply.ToolCalls.Count > 0)
            message["tool_calls"] = new JsonArray(reply.ToolCalls.Select((c, i) => (JsonNode)new JsonObject
            {
                ["id"] = $"call_{id[9..]}_{i + 1}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments },
            }).ToArray());
        return new JsonObject
        {
            ["id"] = id, ["object"] = "chat.completion", ["created"] = 1_700_000_000, ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["message"] = message, ["finish_reason"] = reply.ToolCalls.Count > 0 ? "tool_calls" : "stop",
            }),
            ["usage"] = new JsonObject { ["prompt_tokens"] = 100, ["completion_tokens"] = 10, ["total_tokens"] = 110 },
        };
    }

    // Streams like the real API: role first, text in pieces, each tool call as a header then argument fragments.
    private static async Task StreamAsync(HttpContext http, string id, string model, ScriptedReply reply)
    {
        http.Response.ContentType = "text/event-stream";
        async Task Chunk(JsonObject delta, string? finish = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = id, ["object"] = "chat.completion.chunk", ["created"] = 1_700_000_000, ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
            };
            await http.Response.WriteAsync($"data: {chunk.ToJsonString()}\n\n", Encoding.UTF8);
            await http.Response.Body.FlushAsync();
        }
        await Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" });
        if (reply.Text is { } text)
            for (var i = 0; i < text.Length; i += 7) await Chunk(new JsonObject { ["content"] = text.Substring(i, Math.Min(7, text.Length - i)) });
        for (var i = 0; i < reply.ToolCalls.Count; i++)
        {
            var (name, args) = reply.ToolCalls[i];
            await Chunk(new JsonObject
            {
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = i, ["id"] = $"call_{id[9..]}_{i + 1}", ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "" },
                }),
            });
            for (var j = 0; j < args.Length; j += 5)
                await Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["index"] = i, ["function"] = new JsonObject { ["arguments"] = args.Substring(j, Math.Min(5, args.Length - j)) },
                    }),
                });
        }
        await Chunk(new JsonObject(), reply.ToolCalls.Count > 0 ? "tool_calls" : "stop");
        await http.Response.WriteAsync("data: [DONE]\n\n", Encoding.UTF8);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
