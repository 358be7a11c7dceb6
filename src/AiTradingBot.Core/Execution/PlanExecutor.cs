using System.Diagnostics;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Core.Trading;
using Microsoft.Extensions.Logging;

namespace AiTradingBot.Core.Execution;

/// <summary>
/// Calls the ports for each step, in order, and stops at the first failure: the outcome says what ran, what
/// failed and what was skipped. It never decides whether a step may run: the gate and risk did that.
/// </summary>
public sealed class PlanExecutor
{
    private readonly Dictionary<Type, IStepHandler> _handlers = [];
    private readonly ILogger<PlanExecutor> _logger;

    /// <summary>Creates the executor over every registered handler.</summary>
    public PlanExecutor(IEnumerable<IStepHandler> handlers, ILogger<PlanExecutor> logger)
    {
        _logger = logger;
        foreach (var h in handlers)
            foreach (var t in h.Handles) _handlers[t] = h;
    }

    private static void Record(StepOutcome outcome, Activity? activity)
    {
        var status = outcome.Status.ToString().ToLowerInvariant();
        activity?.SetTag("aitradingbot.status", status);
        if (outcome.Status == StepStatus.Failed) activity?.SetStatus(ActivityStatusCode.Error);
        AiTradingBotTelemetry.Steps.Add(1, new("action", outcome.Step.Action), new("status", status));
        AiTradingBotTelemetry.StepDuration.Record(outcome.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("action", outcome.Step.Action));
    }

    /// <summary>Whether a handler exists for every step.</summary>
    public bool CanExecute(PlanStep step) => _handlers.ContainsKey(step.Args.GetType());

    /// <summary>Runs the steps in order; <paramref name="firstIndex"/> numbers them within the whole plan.</summary>
    public async Task<PlanOutcome> ExecuteAsync(IReadOnlyList<PlanStep> steps, StepContext context, CancellationToken ct, int firstIndex = 0)
    {
        using var executing = AiTradingBotTelemetry.Activities.StartActivity("execute");
        var outcomes = new List<StepOutcome>(steps.Count);
        var failed = false;
        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (failed)
            {
                outcomes.Add(new StepOutcome(step, StepStatus.Skipped, null, null, TimeSpan.Zero));
                continue;
            }
            using var stepActivity = AiTradingBotTelemetry.Activities.StartActivity("step " + step.Action);
            stepActivity?.SetTag("aitradingbot.action", step.Action);
            var started = Stopwatch.GetTimestamp();
            try
            {
                if (!_handlers.TryGetValue(step.Args.GetType(), out var handler))
                    throw new StepFailedException($"{step.Action} is not available in this configuration.");
                var result = await handler.ExecuteAsync(step.Args, context with { StepIndex = firstIndex + i }, ct).ConfigureAwait(false);
                outcomes.Add(new StepOutcome(step, StepStatus.Succeeded, result, null, Stopwatch.GetElapsedTime(started)));
            }
            catch (Exception e) when (e is StepFailedException or ContainerRuntimeException or ExchangeException)
            {
                failed = true;
                outcomes.Add(new StepOutcome(step, StepStatus.Failed, (e as StepFailedException)?.Partial, e.Message, Stopwatch.GetElapsedTime(started)));
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                failed = true;
                outcomes.Add(new StepOutcome(step, StepStatus.Failed, null, "Timed out.", Stopwatch.GetElapsedTime(started)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failed = true;
                _logger.LogError(e, "Step {Action} failed unexpectedly", step.Action);
                outcomes.Add(new StepOutcome(step, StepStatus.Failed, null, $"Unexpected error ({e.GetType().Name}); see the logs.", Stopwatch.GetElapsedTime(started)));
            }
            Record(outcomes[^1], stepActivity);
        }
        return new PlanOutcome(outcomes);
    }
}
