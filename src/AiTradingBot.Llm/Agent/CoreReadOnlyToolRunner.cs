using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Llm.Agent;

/// <summary>
/// Runs a read-only step with the core <see cref="PlanExecutor"/>, audits it like any other read, and renders its
/// result as plain text for the model. Steps that are not read-only are refused here too, whatever the caller checked.
/// </summary>
public sealed class CoreReadOnlyToolRunner(PlanExecutor executor, IAuditLog? audit, string modeLabel, SecretRedactor redactor, TimeProvider time, ILogger<CoreReadOnlyToolRunner>? logger = null)
    : IReadOnlyToolRunner
{
    // In-turn reads act as a viewer: even a handler that looked at the role would not allow a change.
    private static readonly Principal Reader = new("llm-agent", "language model (read-only)", UserRole.Viewer);

    /// <summary>The audit channel of reads made during a model's turn.</summary>
    public const string Channel = "llm";

    // Tool output goes to the model: the same secret masking as every reply.
    private readonly ReplyRenderer _renderer = new(PlainMarkup.Instance, time, redactor);

    /// <inheritdoc />
    public async Task<string> RunAsync(PlanStep step, string? conversation, CancellationToken ct)
    {
        if (step.Effect != ActionEffect.Read) throw new InvalidOperationException($"{step.Action} changes state and is never run during the model's turn.");
        var chat = conversation ?? "llm";
        var outcome = await executor.ExecuteAsync([step], new StepContext(Reader, Channel, chat, "llm-read", 0), ct).ConfigureAwait(false);
        var result = outcome.Steps[0];
        await AuditAsync(step, chat, result, ct).ConfigureAwait(false);
        return result is { Status: StepStatus.Succeeded, Result: { } r } ? _renderer.RenderResult(r) : redactor.Redact($"error: {result.Error ?? "the step did not run"}");
    }

    private async Task AuditAsync(PlanStep step, string chat, StepOutcome result, CancellationToken ct)
    {
        if (audit is null) return;
        var record = new AuditRecord(time.GetUtcNow(), Channel, Reader.UserId, Reader.UserName, chat, "(read during the language model's turn)",
            PlanJson.Serialize(Plan.Of(step.Action, step) with { Origin = PlanOrigin.Model }), AuditDecision.Executed,
            ["read-only step run by the language model during its turn"],
            [new AuditStep(step.Action, result.Status.ToString().ToLowerInvariant(), result.Error is null ? null : redactor.Redact(result.Error))], null, modeLabel);
        try
        {
            await audit.AppendAsync(record, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger?.LogError(e, "Audit record of an in-turn read ({Action}) could not be written", step.Action);
        }
    }
}
