using System.Diagnostics;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Execution.Handlers;

/// <summary>
/// The systems plugin: sitrep, diagnostics, intel (logs), deploy/terminate/reboot, execute, killswitch and resume,
/// over the container-runtime port. Reports query every system concurrently with its own timeout, so one broken
/// container does not spoil the report.
/// </summary>
public sealed class SystemStepHandler(
    IContainerRuntime runtime,
    SystemRegistry systems,
    IExchange exchange,
    TradingHalt halt,
    AccountLock accountLock,
    NotificationHub notifications,
    TimeProvider time,
    IKeyValueStore store,
    IOrderJournal journal,
    IOptions<AssistantOptions> options) : IStepHandler
{
    /// <inheritdoc />
    public IReadOnlyCollection<Type> Handles { get; } =
    [
        typeof(SystemStatusArgs), typeof(SystemDiagnosticsArgs), typeof(SystemLogsArgs), typeof(SystemStartArgs), typeof(SystemStopArgs),
        typeof(SystemRestartArgs), typeof(SystemExecArgs), typeof(SystemKillswitchArgs), typeof(TradingResumeArgs),
    ];

    private TimeSpan StopTimeout => TimeSpan.FromSeconds(options.Value.StopTimeoutSeconds);

    /// <summary>Marks a state change as the assistant's own, so the watcher does not report it as unexpected.</summary>
    private Task ExpectAsync(string host, string container, CancellationToken ct) =>
        store.SetAsync(ContainerHosts.ExpectedChangeKey(host, container), "1", StopTimeout + TimeSpan.FromMinutes(2), ct);

    /// <summary>The runtime of the host a system lives on.</summary>
    private IContainerRuntime On(SystemDefinition s) => runtime.OnHost(s.Host);

    /// <summary>The host to name in replies: only when several are configured (or the one configured is not the default).</summary>
    private string? ShownHost(string host) =>
        runtime.Hosts.Count > 1 || !ContainerHosts.IsDefault(host) ? ContainerHosts.Normalize(host) : null;

    /// <inheritdoc />
    public async Task<StepResult> ExecuteAsync(ActionArgs args, StepContext context, CancellationToken ct) => args switch
    {
        SystemStatusArgs a => new SystemsReportResult(false, await ReportAsync(a.System, ct).ConfigureAwait(false), runtime.IsDemo),
        SystemDiagnosticsArgs a => new SystemsReportResult(true, await ReportAsync(a.System, ct).ConfigureAwait(false), runtime.IsDemo),
        SystemLogsArgs a => await LogsAsync(a, ct).ConfigureAwait(false),
        SystemStartArgs a => new ContainerActionsResult("start", await ForEachAsync(a.System, async (s, t) => { await ExpectAsync(s.Host, s.Container, t).ConfigureAwait(false); return await On(s).StartAsync(s.Container, t).ConfigureAwait(false); }, ct).ConfigureAwait(false), runtime.IsDemo),
        SystemStopArgs a => new ContainerActionsResult("stop", await ForEachAsync(a.System, async (s, t) => { await ExpectAsync(s.Host, s.Container, t).ConfigureAwait(false); return await On(s).StopAsync(s.Container, StopTimeout, t).ConfigureAwait(false); }, ct).ConfigureAwait(false), runtime.IsDemo),
        SystemRestartArgs a => new ContainerActionsResult("restart", await ForEachAsync(a.System, async (s, t) => { await ExpectAsync(s.Host, s.Container, t).ConfigureAwait(false); return await On(s).RestartAsync(s.Container, StopTimeout, t).ConfigureAwait(false); }, ct).ConfigureAwait(false), runtime.IsDemo),
        SystemExecArgs a => await ExecAsync(a, ct).ConfigureAwait(false),
        SystemKillswitchArgs a => await KillswitchAsync(a, context, ct).ConfigureAwait(false),
        TradingResumeArgs => new ResumeResult(await halt.ResumeAsync(context.User.UserName ?? context.User.UserId, ct).ConfigureAwait(false)),
        _ => throw new StepFailedException($"{args.GetType().Name} is not a system action."),
    };

    /// <summary>Reads every named system concurrently, each bounded by its own timeout.</summary>
    public async Task<IReadOnlyList<SystemReport>> ReportAsync(string system, CancellationToken ct)
    {
        var targets = systems.Expand(system, includeInfrastructure: true);
        // A single probe tells a dead daemon from broken containers: then the step fails (ask exits 1) instead of
        // reporting the same "unreachable" once per system.
        // Every system on every host at once: one host that does not answer is reported per system without hiding the others.
        var results = await Task.WhenAll(targets.Select(s => ReportOneAsync(s, ct))).ConfigureAwait(false);
        if (results.Length > 0 && results.All(r => r.Unavailable is not null))
            throw new StepFailedException(string.Join(" ", results.Select(r => r.Unavailable!.Message).Distinct()), results[0].Unavailable);
        return results.Select(r => r.Report).ToList();
    }

    private async Task<(SystemReport Report, ContainerRuntimeUnavailableException? Unavailable)> ReportOneAsync(SystemDefinition s, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.StatusTimeoutSeconds));
        try
        {
            var host = On(s);
            var info = await host.InspectAsync(s.Container, timeout.Token).ConfigureAwait(false);
            ContainerStats? stats = null;
            if (info.Running)
            {
                try { stats = await host.GetStatsAsync(s.Container, timeout.Token).ConfigureAwait(false); }
                catch (ContainerRuntimeException) { stats = null; } // state is still worth reporting without figures
            }
            var uptime = info.Running && info.StartedAt is { } started ? time.GetUtcNow() - started : (TimeSpan?)null;
            return (new SystemReport(s.Name, s.Container, s.Role, info.State, info.Running, uptime, info.Health, info.RestartCount,
                info.Running ? null : info.ExitCode, stats?.CpuPercent, stats?.MemoryUsedBytes, stats?.MemoryLimitBytes, null, ShownHost(s.Host)), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (Failed(s, $"no answer within {options.Value.StatusTimeoutSeconds}s"), null);
        }
        catch (ContainerNotFoundException)
        {
            return (Failed(s, $"container {s.Container} does not exist. Check Systems:{s.Name}:Container or launch it."), null);
        }
        catch (ContainerRuntimeUnavailableException e)
        {
            return (Failed(s, e.Message), e);
        }
        catch (ContainerRuntimeException e)
        {
            return (Failed(s, e.Message), null);
        }
    }

    private SystemReport Failed(SystemDefinition s, string error) =>
        new(s.Name, s.Container, s.Role, "unknown", false, null, null, null, null, null, null, null, error, ShownHost(s.Host));

    private async Task<LogsResult> LogsAsync(SystemLogsArgs a, CancellationToken ct)
    {
        var s = Single(a.System);
        TimeSpan? since = a.Since is not null && Durations.TryParse(a.Since, out var d) ? d : null;
        var lines = await On(s).GetLogsAsync(s.Container, new LogQuery(a.Lines, since, a.Grep), ct).ConfigureAwait(false);
        return new LogsResult(s.Name, s.Container, lines, a.Lines, a.Grep, a.Since, runtime.IsDemo);
    }

    private async Task<ExecStepResult> ExecAsync(SystemExecArgs a, CancellationToken ct)
    {
        var s = Single(a.System);
        // The allowlist is looked up again at execution: only configured argv ever reaches the runtime.
        if (!s.Commands.TryGetValue(a.Command, out var argv))
            throw new StepFailedException($"'{a.Command}' is not an allowlisted command of {s.Name}.");
        var r = await On(s).ExecAsync(s.Container, argv, ct).ConfigureAwait(false);
        return new ExecStepResult(s.Name, a.Command, r.ExitCode, r.Output, r.Truncated);
    }

    private SystemDefinition Single(string system) =>
        systems.Find(system) ?? throw new StepFailedException($"Unknown system '{system}'.");

    private async Task<IReadOnlyList<ContainerActionOutcome>> ForEachAsync(string system, Func<SystemDefinition, CancellationToken, Task<ContainerActionResult>> action, CancellationToken ct)
    {
        var targets = systems.Expand(system);
        if (targets.Count == 0) throw new StepFailedException($"Unknown system '{system}'.");
        var outcomes = await Task.WhenAll(targets.Select(async s =>
        {
            var started = Stopwatch.GetTimestamp();
            var host = ShownHost(s.Host);
            try
            {
                var r = await action(s, ct).ConfigureAwait(false);
                return new ContainerActionOutcome(s.Name, s.Container, r.AlreadyInState ? ContainerOutcome.AlreadyInState : ContainerOutcome.Done, null, r.Elapsed, host);
            }
            catch (ContainerNotFoundException)
            {
                return new ContainerActionOutcome(s.Name, s.Container, ContainerOutcome.Failed, $"container {s.Container} does not exist. Check Systems:{s.Name}:Container or launch it.", Stopwatch.GetElapsedTime(started), host);
            }
            catch (ContainerRuntimeException e) when (e is not ContainerRuntimeUnavailableException || targets.Count > 1)
            {
                return new ContainerActionOutcome(s.Name, s.Container, ContainerOutcome.Failed, e.Message, Stopwatch.GetElapsedTime(started), host);
            }
        })).ConfigureAwait(false);
        // A single-system action that failed fails the step, so later steps are skipped.
        if (outcomes.Length == 1 && outcomes[0].Outcome == ContainerOutcome.Failed) throw new StepFailedException($"{outcomes[0].System}: {outcomes[0].Message}");
        if (outcomes.All(o => o.Outcome == ContainerOutcome.Failed)) throw new StepFailedException(string.Join("; ", outcomes.Select(o => $"{o.System}: {o.Message}")));
        return outcomes;
    }

    private async Task<KillswitchResult> KillswitchAsync(SystemKillswitchArgs a, StepContext context, CancellationToken ct)
    {
        var by = context.User.UserName ?? context.User.UserId;
        // Latch first: whatever fails below, no new risk is taken from now on.
        string? haltError = null;
        try { await halt.HaltAsync(by, "killswitch" + (a.ClosePositions ? " (close positions)" : ""), ct).ConfigureAwait(false); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            haltError = e.Message;
        }
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(TimeSpan.FromSeconds(options.Value.KillswitchTimeoutSeconds));
        var stopsTask = StopEveryTradingContainerAsync(bounded.Token);
        // Orders are cancelled while the containers stop: both matter and neither waits for the other. Every kind, in
        // every group the venue cancels separately; then the book is listed again, because only that proves it empty.
        // The account lock lets an order that passed risk before the halt get its answer first, so it is on the book
        // when cancel-all runs; an emergency never waits long for it, though.
        await using var held = await accountLock.AcquireAsync(AccountLock.AccountOf(exchange.Mode), ct, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        IReadOnlyList<CancelGroupResult> groups = [];
        string? cancelError = null;
        try { groups = await exchange.CancelAllKindsAsync(bounded.Token).ConfigureAwait(false); }
        catch (Exception e) when (e is ExchangeException || (e is OperationCanceledException && !ct.IsCancellationRequested)) { cancelError = e is OperationCanceledException ? "no answer in time" : e.Message; }
        var stops = await stopsTask.ConfigureAwait(false);

        var closed = new List<PositionCloseOutcome>();
        IReadOnlyList<OpenOrder> ordersLeft = [];
        IReadOnlyList<Position> positionsLeft = [];
        string? verifyError = null;
        try
        {
            // Stopped bots can no longer place orders, so what is open now stays open unless we act.
            ordersLeft = await exchange.GetOpenOrdersAsync(null, ct).ConfigureAwait(false);
            if (a.ClosePositions)
            {
                closed.AddRange(await TradingStepHandler.CloseAllAsync(exchange, "all", 100m, context, ct, journal, options.Value.BotId).ConfigureAwait(false));
                positionsLeft = await exchange.GetPositionsAsync(null, ct).ConfigureAwait(false);
            }
        }
        catch (ExchangeException e) { verifyError = e.Message; }

        var result = new KillswitchResult(stops, groups.SelectMany(g => g.CancelledOrderIds).ToList(), cancelError, closed, true)
        {
            OrderGroups = groups, OrdersLeft = ordersLeft, PositionsLeft = positionsLeft, VerifyError = verifyError, HaltError = haltError,
        };
        var failures = result.Failures;
        var summary = $"🛑 KILLSWITCH by {by}: {stops.Count(s => s.Outcome != ContainerOutcome.Failed)}/{stops.Length} trading systems stopped, {result.CancelledOrderIds.Count} orders cancelled"
                      + (a.ClosePositions ? $", {closed.Count(c => c.Error is null)} positions closed" : "") + ". Trading is halted."
                      + (failures.Count == 0 ? "" : $"\n🚨 PARTIAL FAILURE ({failures.Count}): " + string.Join("; ", failures) + ". Check the venue and the systems by hand.");
        await notifications.PublishAsync(new Notification(NotificationKind.Killswitch, summary, Rendering.HtmlMarkup.Instance.Escape(summary)), ct).ConfigureAwait(false);
        // A partial killswitch is a failure, loudly: the step fails (ask exits 1) and still shows everything it did.
        if (failures.Count > 0)
            throw new StepFailedException($"KILLSWITCH INCOMPLETE (trading is halted): {string.Join("; ", failures)}. Stopped {stops.Count(s => s.Outcome != ContainerOutcome.Failed)}/{stops.Length}; stop or cancel the rest by hand.") { Partial = result };
        return result;
    }

    /// <summary>
    /// Stops, concurrently, every configured trading system on its host and every container the assistant launched (the
    /// managed label) on every host; one outcome per container (a host that cannot be listed is one failed outcome).
    /// </summary>
    private async Task<ContainerActionOutcome[]> StopEveryTradingContainerAsync(CancellationToken ct)
    {
        var configured = systems.TradingSystems.Select(s => StopOneAsync(s.Name, s.Host, s.Container, ct));
        var launched = runtime.Hosts.Select(async host =>
        {
            var started = Stopwatch.GetTimestamp();
            IReadOnlyList<ContainerSummary> managed;
            try
            {
                managed = await runtime.OnHost(host).ListAsync($"{LaunchStepHandler.ManagedLabel}=true", ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ContainerRuntimeException or OperationCanceledException)
            {
                var message = e is OperationCanceledException ? $"no answer within {options.Value.KillswitchTimeoutSeconds}s" : e.Message;
                return [new ContainerActionOutcome("launched bots", "*", ContainerOutcome.Failed, $"could not list them: {message}", Stopwatch.GetElapsedTime(started), ShownHost(host))];
            }
            var mine = managed.Where(c => !systems.TradingSystems.Any(s => ContainerHosts.Normalize(s.Host) == ContainerHosts.Normalize(host) && s.Container == c.Name));
            return await Task.WhenAll(mine.Select(c => StopOneAsync(c.Name, host, c.Name, ct))).ConfigureAwait(false);
        });
        var results = await Task.WhenAll(configured.Select(async t => new[] { await t.ConfigureAwait(false) }).Concat(launched)).ConfigureAwait(false);
        return results.SelectMany(r => r).ToArray();
    }

    private async Task<ContainerActionOutcome> StopOneAsync(string system, string host, string container, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await ExpectAsync(host, container, ct).ConfigureAwait(false);
            var r = await runtime.OnHost(host).StopAsync(container, StopTimeout, ct).ConfigureAwait(false);
            return new ContainerActionOutcome(system, container, r.AlreadyInState ? ContainerOutcome.AlreadyInState : ContainerOutcome.Done, null, r.Elapsed, ShownHost(host));
        }
        catch (Exception e) when (e is ContainerRuntimeException or OperationCanceledException)
        {
            var message = e is OperationCanceledException ? $"no answer within {options.Value.KillswitchTimeoutSeconds}s" : e.Message;
            return new ContainerActionOutcome(system, container, ContainerOutcome.Failed, message, Stopwatch.GetElapsedTime(started), ShownHost(host));
        }
    }
}
