using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Rendering;

namespace AiTradingBot.Cli;

/// <summary>
/// <c>ask TEXT [--yes] [--json]</c>: one message from the local operator through the whole pipeline. A gated plan
/// prints its confirmation and exits 3 unless <c>--yes</c> (the operator's explicit confirmation). A plan the language
/// model made is never confirmed by <c>--yes</c>: the operator reads its card and runs <c>ask --confirm CODE</c>.
/// Exit codes: 0 done; 2 clarify or nothing to do; 3 awaiting confirmation; 4 refused; 1 error.
/// </summary>
public static class AskVerb
{
    /// <summary>The local operator: an admin of the console channel.</summary>
    public static Principal LocalOperator => new($"local:{Environment.UserName}", Environment.UserName, UserRole.Admin);

    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var text = new Argument<string[]>("text") { Description = "The message, e.g. \"stop alpha and show me the last 5 lines\".", Arity = ArgumentArity.ZeroOrMore };
        var yes = new Option<bool>("--yes", "-y") { Description = "Confirm a gated plan now (you are the same user). Never confirms a plan the language model made." };
        var confirm = new Option<string>("--confirm") { Description = "Confirm the waiting card with this code (shown by an earlier ask), instead of sending a message." };
        var json = new Option<bool>("--json") { Description = "Print the reply as JSON." };
        var command = new Command("ask", "Run one message through interpret → validate → risk → gate → execute and print the result.") { text, yes, confirm, json };
        command.Validators.Add(r =>
        {
            var hasText = (r.GetValue(text) ?? []).Length > 0;
            var code = r.GetValue(confirm);
            if (code is not null && hasText) r.AddError("Give either a message or --confirm CODE, not both.");
            else if (code is null && !hasText) r.AddError("Give a message, e.g. ask \"status of alpha\", or --confirm CODE for a waiting card.");
            else if (code is not null && r.GetValue(yes)) r.AddError("--yes and --confirm do not go together: --confirm CODE is the confirmation.");
            else if (code is not null && string.IsNullOrWhiteSpace(code)) r.AddError("--confirm needs the code printed on the card, e.g. --confirm K7Q2M9XA.");
        });
        command.SetAction(async (result, ct) =>
        {
            await using var services = io.BuildServices();
            var assistant = services.GetRequiredService<IAssistant>();
            var replies = new List<AssistantReply>();
            if (result.GetValue(confirm) is { } code)
                // The same local operator, channel and chat as the ask that made the card: the gate checks all three.
                replies.Add(await assistant.ConfirmAsync(new ConfirmationRequest("cli", "local", LocalOperator, code.Trim()), ct).ConfigureAwait(false));
            else
            {
                var message = new IncomingMessage("cli", "local", LocalOperator, string.Join(' ', result.GetValue(text) ?? []));
                var reply = await assistant.HandleAsync(message, ct).ConfigureAwait(false);
                replies.Add(reply);
                // --yes is the operator confirming their own deterministic command; a model's proposal needs its card read first.
                if (reply.Kind == ReplyKind.AwaitingConfirmation && result.GetValue(yes) && reply.Plan?.Origin != PlanOrigin.Model)
                    replies.Add(await assistant.ConfirmAsync(new ConfirmationRequest("cli", "local", LocalOperator, reply.Card!.Id), ct).ConfigureAwait(false));
            }
            var final = replies[^1];
            var charts = await ChartFiles.SaveAsync(replies, services, ct).ConfigureAwait(false);
            if (result.GetValue(json))
            {
                var node = ToJson(replies);
                node["charts"] = new JsonArray(charts.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray());
                await io.Out.WriteLineAsync(node.ToJsonString(new JsonSerializerOptions(PlanJson.Options) { WriteIndented = true })).ConfigureAwait(false);
            }
            else
            {
                var renderer = new ReplyRenderer(PlainMarkup.Instance, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<AiTradingBot.Core.Audit.SecretRedactor>());
                foreach (var r in replies) await io.Out.WriteLineAsync(renderer.Render(r)).ConfigureAwait(false);
                foreach (var path in charts) await io.Out.WriteLineAsync(ChartFiles.Line(path)).ConfigureAwait(false);
                if (final.Kind == ReplyKind.AwaitingConfirmation)
                    await io.Out.WriteLineAsync(final.Plan?.Origin == PlanOrigin.Model
                        ? $"Not executed. The language model proposed this plan, so --yes does not confirm it: check the card, then run `ask --confirm {final.Card!.Id}`."
                        : $"Not executed. Run again with --yes to confirm, run `ask --confirm {final.Card!.Id}`, or use `chat`.").ConfigureAwait(false);
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
            ["proposedBy"] = first.Plan is null ? null : first.Plan.Origin == PlanOrigin.Model ? "model" : "parser",
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
