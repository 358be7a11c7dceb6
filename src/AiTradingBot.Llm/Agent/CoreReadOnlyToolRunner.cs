using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Rendering;

namespace AiTradingBot.Llm.Agent;

/// <summary>
/// Runs a read-only step with the core <see cref="PlanExecutor"/> and renders its result as plain text for the model.
/// Gated steps are refused here too, whatever the caller checked.
/// </summary>
public sealed class CoreReadOnlyToolRunner(PlanExecutor executor, TimeProvider time, Core.Audit.SecretRedactor? redactor = null) : IReadOnlyToolRunner
{
    // In-turn reads act as a viewer: even a handler that looked at the role would not allow a change.
    private static readonly Principal Reader = new("llm-agent", "language model (read-only)", UserRole.Viewer);

    // Tool output goes to the model: the same secret masking as every reply.
    private readonly ReplyRenderer _renderer = new(PlainMarkup.Instance, time, redactor);
    private readonly Core.Audit.SecretRedactor _redactor = redactor ?? Core.Audit.SecretRedactor.None;

    /// <inheritdoc />
    public async Task<string> RunAsync(PlanStep step, CancellationToken ct)
    {
        if (step.Gated) throw new InvalidOperationException($"{step.Action} changes state and is never run during the model's turn.");
        var outcome = await executor.ExecuteAsync([step], new StepContext(Reader, "llm", "llm", "llm-read", 0), ct).ConfigureAwait(false);
        var result = outcome.Steps[0];
        return result is { Status: StepStatus.Succeeded, Result: { } r } ? _renderer.RenderResult(r) : _redactor.Redact($"error: {result.Error ?? "the step did not run"}");
    }
}
