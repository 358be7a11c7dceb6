using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Rendering;

namespace AiTradingBot.Cli;

/// <summary>
/// <c>ask TEXT [--yes] [--json]</c>: one message from the local operator through the whole pipeline. A gated plan
/// prints its confirmation and exits 3 unless <c>--yes</c> (the operator's explicit confirmation).
/// Exit codes: 0 done; 2 clarify or nothing to do; 3 awaiting confirmation; 4 refused; 1 error.
/// </summary>
public static class AskVerb
{
    /// <summary>The local operator: an admin of the console channel.</summary>
    public static Principal LocalOperator => new($"local:{Environment.UserName}", Environment.UserName, UserRole.Admin);

    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var text = new Argument<string[]>("text") { Description = "The message, e.g. \"stop alpha and show me the last 5 lines\".", Arity = ArgumentArity.OneOrMore };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm a gated plan now (you are the same user)." };
        var json = new Option<bool>("--json") { Description = "Print the reply as JSON." };
        var command = new Command("ask", "Run one message through interpret → validate → risk → gate → execute and print the result.") { text, yes, json };
        command.SetAction(async (result, ct) =>
        {
            await using var services = io.BuildServices();
            var assistant = services.GetRequiredService<IAssistant>();
            var message = new IncomingMessage("cli", "local", LocalOperator, string.Join(' ', result.GetValue(text) ?? []));
            var reply = await assistant.HandleAsync(message, ct).ConfigureAwait(false);
            var replies = new List<AssistantReply> { reply };
            if (reply.Kind == ReplyKind.AwaitingConfirmation && result.GetValue(yes))
                replies.Add(await assistant.ConfirmAsync(new ConfirmationRequest("cli", "local", LocalOperator, reply.Card!.Id), ct).ConfigureAwait(false));
            var final = replies[^1];
            if (result.GetValue(json))
                await io.Out.WriteLineAsync(ToJson(replies).ToJsonString(new JsonSerializerOptions(PlanJson.Options) { WriteIndented = true })).ConfigureAwait(false);
            else
            {
                var renderer = new ReplyRenderer(PlainMarkup.Instance, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<AiTradingBot.Core.Audit.SecretRedactor>());
                foreach (var r in replies) await io.Out.WriteLineAsync(renderer.Render(r)).ConfigureAwait(false);
                if (final.Kind == ReplyKind.AwaitingConfirmation)
                    await io.Out.WriteLineAsync("Not executed. Run again with --yes to confirm, or use `chat`.").ConfigureAwait(false);
            }
            return final.ExitCode;
        });
        return command;
    }

    /// <summary>The replies as JSON: kind, exit code, plan, messages, card, step outcomes with typed results.</summary>
    public static JsonObject ToJson(IReadOnlyList<AssistantReply> replies)
    {
        var final = replies[^1];
        var first = replies[0];
        var steps = new JsonArray();
        foreach (var o in replies.Where(r => r.Outcome is not null).SelectMany(r => r.Outcome!.Steps))
            steps.Add(new JsonObject
            {
                ["action"] = o.Step.Action,
                ["status"] = o.Status.ToString().ToLowerInvariant(),
                ["error"] = o.Error,
                ["result"] = o.Result is null ? null : JsonSerializer.SerializeToNode(o.Result, o.Result.GetType(), PlanJson.Options),
            });
        return new JsonObject
        {
            ["kind"] = JsonNamingPolicy.CamelCase.ConvertName(final.Kind.ToString()),
            ["exitCode"] = final.ExitCode,
            ["mode"] = final.ModeLabel,
            ["plan"] = first.Plan is null ? null : PlanJson.ToNode(first.Plan),
            ["messages"] = new JsonArray(replies.SelectMany(r => r.Messages).Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            ["warnings"] = new JsonArray(first.Warnings.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
            ["confirmation"] = first.Card is null ? null : new JsonObject
            {
                ["id"] = first.Card.Id,
                ["lines"] = new JsonArray(first.Card.Lines.Select(l => (JsonNode)JsonValue.Create(l.Text)!).ToArray()),
                ["estimatedNotional"] = first.Card.EstimatedNotional,
                ["expiresAt"] = first.Card.ExpiresAt,
            },
            ["steps"] = steps,
        };
    }
}
