using System.CommandLine;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Rendering;

namespace AiTradingBot.Cli;

/// <summary><c>parse [--json] [--stdin] TEXT</c>: prints the normalized plan without executing anything.</summary>
public static class ParseVerb
{
    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var text = new Argument<string[]>("text") { Description = "The message to interpret.", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print the plan as one line of contract JSON." };
        var stdin = new Option<bool>("--stdin") { Description = "Read one message per line from standard input; print one plan per line." };
        var command = new Command("parse", "Interpret a message and print its plan, without executing it.") { text, json, stdin };
        command.SetAction(async (result, ct) =>
        {
            using var services = io.BuildServices(extra: new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" });
            var interpreter = services.GetRequiredService<IInterpreter>();
            var asJson = result.GetValue(json);
            if (result.GetValue(stdin))
            {
                while (await io.In.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
                {
                    var plan = await interpreter.InterpretAsync(InterpretRequest.Of(line), ct).ConfigureAwait(false);
                    await io.Out.WriteLineAsync(asJson ? PlanJson.Serialize(plan) : Describe(plan)).ConfigureAwait(false);
                }
                await io.Out.FlushAsync(ct).ConfigureAwait(false);
                return 0;
            }
            var message = string.Join(' ', result.GetValue(text) ?? []);
            if (message.Length == 0)
            {
                await io.Error.WriteLineAsync("Give a message to parse, e.g. parse \"stop alpha and show me the last 100 lines\", or --stdin.").ConfigureAwait(false);
                return 2;
            }
            var single = await interpreter.InterpretAsync(InterpretRequest.Of(message), ct).ConfigureAwait(false);
            await io.Out.WriteLineAsync(asJson ? PlanJson.Serialize(single) : Describe(single)).ConfigureAwait(false);
            return single.Kind == PlanKind.Plan ? 0 : 2;
        });
        return command;
    }

    private static string Describe(Plan plan) => plan.Kind switch
    {
        PlanKind.Clarify => $"clarify: {plan.Clarify}",
        PlanKind.None => $"none: {plan.Reason ?? "nothing actionable"}",
        _ => $"plan ({(plan.Confirm ? "needs confirmation" : "read-only")}):\n" + string.Join("\n", plan.Steps.Select((s, i) => $"  {i + 1}. {s.Action} {PlanJson.StepsNode([s])[0]!["args"]!.ToJsonString(PlanJson.Options)}  — {StepDescriber.Describe(s)}")),
    };
}
