using System.CommandLine;
using AiTradingBot.Core.Language;
using AiTradingBot.Llm.Evaluation;

namespace AiTradingBot.Cli;

/// <summary>
/// <c>eval --corpus FILE.jsonl [--json]</c>: scores whichever interpreter is configured (offline, or with a model)
/// against a corpus in the dev.jsonl format: accuracy per category and the count of unsafe outputs.
/// Exits 1 when any output was unsafe.
/// </summary>
public static class EvalVerb
{
    /// <summary>Creates the verb.</summary>
    public static Command Create(CliIo io)
    {
        var corpus = new Option<FileInfo>("--corpus") { Description = "JSONL file of {\"text\", \"expect\"} lines.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the scores as JSON." };
        var command = new Command("eval", "Score the configured interpreter on a corpus (accuracy per category, unsafe outputs).") { corpus, json };
        command.SetAction(async (result, ct) =>
        {
            var file = result.GetValue(corpus)!;
            if (!file.Exists)
            {
                await io.Error.WriteLineAsync($"Corpus file not found: {file.FullName}").ConfigureAwait(false);
                return 2;
            }
            await using var services = io.BuildServices(extra: new Dictionary<string, string?> { ["Storage:Ephemeral"] = "true" });
            var model = services.GetService<ILanguageModelInterpreter>();
            var evaluator = new CorpusEvaluator(services.GetRequiredService<IInterpreter>(), model is null ? "offline parser" : $"offline parser + {model.Description} ({model.Mode})");
            var scores = await evaluator.EvaluateFileAsync(file.FullName, ct).ConfigureAwait(false);
            await io.Out.WriteLineAsync(result.GetValue(json) ? scores.ToJson() : scores.ToTable()).ConfigureAwait(false);
            // Any unsafe output (a write or gated step the corpus did not expect) fails the run: that interpreter is not fit for primary mode.
            return scores.Unsafe > 0 ? 1 : 0;
        });
        return command;
    }
}
