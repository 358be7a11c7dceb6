using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Rendering;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Telemetry;
using AiTradingBot.Core.Trading;
using AiTradingBot.Core.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core.Assistant;

/// <summary>
/// The pipeline: authorize → interpret → validate → risk → gate → execute → audit → typed reply. Every channel
/// (console, Telegram, webhook, scheduled jobs) calls this one class.
/// </summary>
public sealed partial class AssistantService(
    IInterpreter interpreter,
    PlanValidator validator,
    ConfirmationGate gate,
    PlanExecutor executor,
    IExchange exchange,
    IContainerRuntime runtime,
    SystemRegistry systems,
    TradingHalt halt,
    AccountLock accountLock,
    IFillStore fills,
    IOrderJournal journal,
    IAuditLog audit,
    IKeyValueStore store,
    NotificationHub notifications,
    SecretRedactor redactor,
    TimeProvider time,
    IOptions<AssistantOptions> options,
    IOptions<RiskOptions> risk,
    ILogger<AssistantService> logger,
    ConfirmationEvents? confirmationEvents = null) : IAssistant
{
    [GeneratedRegex(@"^/killswitch(@\w+)?(\s+\w+)*\s+CONFIRM(\s+\w+)*\s*$")]
    private static partial Regex KillswitchConfirm();

    /// <summary>PAPER or LIVE, plus DEMO when the systems are simulated.</summary>
    public string ModeLabel => exchange.Mode.Label + (runtime.IsDemo ? " · DEMO systems" : "");

    /// <inheritdoc />
    public Task<AssistantReply> HandleAsync(IncomingMessage message, CancellationToken ct) => ObservedAsync("message", message.Channel, () => HandleCoreAsync(message, ct));

    // One span and one message measurement per call; the trace id reaches log scopes (the host's ActivityTrackingOptions) and the audit row.
    private async Task<AssistantReply> ObservedAsync(string name, string channel, Func<Task<AssistantReply>> handle)
    {
        using var activity = AiTradingBotTelemetry.Activities.StartActivity(name);
        activity?.SetTag("aitradingbot.channel", channel);
        var started = Stopwatch.GetTimestamp();
        var reply = await FailClosedWithoutLiveStateAsync(handle()).ConfigureAwait(false);
        var decision = AiTradingBotTelemetry.Decision(reply.Kind);
        activity?.SetTag("aitradingbot.decision", decision);
        AiTradingBotTelemetry.Messages.Add(1, new("channel", channel), new("decision", decision));
        AiTradingBotTelemetry.MessageDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("channel", channel));
        if (reply.Kind == ReplyKind.AccessDenied) AiTradingBotTelemetry.AccessDenied.Add(1, new KeyValuePair<string, object?>("channel", channel));
        return reply;
    }

    private async Task<AssistantReply> HandleCoreAsync(IncomingMessage message, CancellationToken ct)
    {
        var text = (message.Text ?? "").Trim();
        if (message.User.Role == UserRole.None)
        {
            await AuditAsync(message, text, null, AuditDecision.Refused, ["access denied"], null, null, ct).ConfigureAwait(false);
            return Reply(ReplyKind.AccessDenied, null, messages: ["ACCESS DENIED"]);
        }
        if (text.Length == 0) return Reply(ReplyKind.Nothing, null, messages: ["Send a command or a question; help lists what I can do."]);
        if (text.Length > options.Value.MaxMessageLength)
            return Reply(ReplyKind.Nothing, null, messages: [$"That message is longer than {options.Value.MaxMessageLength} characters; send one command at a time."]);

        Plan plan;
        try
        {
            using var interpreting = AiTradingBotTelemetry.Activities.StartActivity("interpret");
            var context = await LoadContextAsync(message, ct).ConfigureAwait(false);
            plan = await interpreter.InterpretAsync(new InterpretRequest(text, context, ConversationKey.For(message.Channel, message.ChatId, message.User.UserId)), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Interpreting a message failed");
            plan = Plan.Nothing(text, "I could not interpret that right now. Try a slash command such as /sitrep, or send help.");
        }

        if (plan.Kind != PlanKind.Plan)
        {
            await AuditAsync(message, text, plan, AuditDecision.NoAction, plan.Clarify is { } q ? [q] : plan.Reason is { } r ? [r] : [], null, null, ct).ConfigureAwait(false);
            return plan.Kind == PlanKind.Clarify
                ? Reply(ReplyKind.Clarify, plan, messages: [])
                : Reply(ReplyKind.Nothing, plan, messages: [plan.Reason ?? "I have nothing to do for that. Send help to see what I can do."]);
        }

        if (plan.Confirm && message.User.Role != UserRole.Admin)
        {
            string[] reasons = ["Your access is read-only: only admins can run actions that change state."];
            await AuditAsync(message, text, plan, AuditDecision.Refused, reasons, null, null, ct).ConfigureAwait(false);
            return Reply(ReplyKind.Refused, plan, messages: reasons);
        }

        var check = await CheckAsync(plan.Steps, ct).ConfigureAwait(false);
        if (check.Errors.Count > 0)
        {
            await AuditAsync(message, text, plan, AuditDecision.Refused, check.Errors, null, null, ct).ConfigureAwait(false);
            if (check.Risk is { Allowed: false } denied) await NotifyDenialAsync(message.User, text, denied, ct).ConfigureAwait(false);
            return Reply(ReplyKind.Refused, plan, messages: check.Errors);
        }
        await SaveContextAsync(message, plan, ct).ConfigureAwait(false);

        var context2 = new StepContext(message.User, message.Channel, message.ChatId, Reference(), 0);
        // What the reply must say about how the plan was made (e.g. model steps dropped by the provenance rule).
        var notices = plan.Notices;
        if (!plan.Confirm)
        {
            var outcome = await executor.ExecuteAsync(plan.Steps, context2, ct).ConfigureAwait(false);
            await AuditAsync(message, text, plan, AuditDecision.Executed, [.. Origin(plan), .. notices], outcome, null, ct).ConfigureAwait(false);
            return Reply(ReplyKind.Done, plan, outcome, messages: notices);
        }

        // Steps before the first one that needs confirmation run now; that step and everything after it wait.
        var firstGated = plan.Steps.ToList().FindIndex(plan.NeedsConfirmation);
        PlanOutcome? prefix = null;
        if (firstGated > 0)
        {
            prefix = await executor.ExecuteAsync(plan.Steps.Take(firstGated).ToList(), context2, ct).ConfigureAwait(false);
            if (!prefix.Succeeded)
            {
                var skipped = plan.Steps.Skip(firstGated).Select(s => new StepOutcome(s, StepStatus.Skipped, null, null, TimeSpan.Zero));
                var all = new PlanOutcome([.. prefix.Steps, .. skipped]);
                await AuditAsync(message, text, plan, AuditDecision.Executed, [.. Origin(plan), .. notices], all, null, ct).ConfigureAwait(false);
                return Reply(ReplyKind.Done, plan, all, messages: notices);
            }
        }
        var shown = plan.Steps.Skip(firstGated).ToList();
        // A notional order is sized once, here: the card shows the exact quantity and that quantity is what is sent.
        var (waiting, sizedAt) = SizeNotionalOrders(shown, check.Market, firstGated);
        using var gating = AiTradingBotTelemetry.Activities.StartActivity("gate");
        var pending = await gate.CreateAsync(message.Channel, message.ChatId, message.User, text, waiting, ct, sizedAt).ConfigureAwait(false);

        if (plan.Origin == PlanOrigin.Deterministic && waiting is [{ Args: SystemKillswitchArgs }] && KillswitchConfirm().IsMatch(text))
        {
            // "/killswitch CONFIRM": the same admin typed the confirmation word with the command.
            await AuditAsync(message, text, plan, AuditDecision.Awaiting, ["confirmed inline with CONFIRM"], prefix, pending.Id, ct).ConfigureAwait(false);
            return await ConfirmAsync(new ConfirmationRequest(message.Channel, message.ChatId, message.User, pending.Id), ct).ConfigureAwait(false);
        }

        var card = BuildCard(pending, shown, waiting, check, firstGated);
        await AuditAsync(message, text, plan, AuditDecision.Awaiting, [.. Origin(plan), .. notices, .. check.Warnings], prefix, pending.Id, ct).ConfigureAwait(false);
        Created(pending, card);
        return Reply(ReplyKind.AwaitingConfirmation, plan, prefix, card, notices) with { Warnings = check.Warnings };
    }

    /// <inheritdoc />
    public Task<AssistantReply> ConfirmAsync(ConfirmationRequest request, CancellationToken ct) => ObservedAsync("confirm", request.Channel, () => ConfirmCoreAsync(request, ct));

    private static void CountConfirmation(GateStatus status)
    {
        var outcome = status switch
        {
            GateStatus.Confirmed => "confirmed",
            GateStatus.Expired => "expired",
            GateStatus.Cancelled => "cancelled",
            GateStatus.AlreadyHandled => "already_handled",
            _ => "wrong_user",
        };
        AiTradingBotTelemetry.Confirmations.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
    }

    private async Task<AssistantReply> ConfirmCoreAsync(ConfirmationRequest request, CancellationToken ct)
    {
        var denied = await AuthorizeConfirmationAsync(request, "confirm", ct).ConfigureAwait(false);
        if (denied is not null) return denied;
        GateResult result;
        using (AiTradingBotTelemetry.Activities.StartActivity("gate"))
            result = await gate.ConfirmAsync(request.ConfirmationId, request.Channel, request.ChatId, request.User, ct).ConfigureAwait(false);
        CountConfirmation(result.Status);
        var input = result.Pending?.Input ?? "(confirmation)";
        var message = new IncomingMessage(request.Channel, request.ChatId, request.User, input);
        switch (result.Status)
        {
            case GateStatus.Confirmed:
                break;
            case GateStatus.Expired:
                await AuditAsync(message, input, null, AuditDecision.Expired, ["confirmation expired"], null, result.Pending?.Id, ct).ConfigureAwait(false);
                return await ResolvedAsync(result.Pending, request, Reply(ReplyKind.Expired, null, messages: ["That confirmation expired. Nothing was done; send the command again."])).ConfigureAwait(false);
            default:
                return GateReply(result.Status);
        }

        var steps = result.Steps!;
        var plan = Plan.Of(input, steps);
        // Check-then-execute is serialized per account: the lock is held from the risk re-check to the venue's
        // answer, so two cards confirmed at once never both pass risk against the same snapshot.
        await using var held = steps.Any(s => s.Args is OrderPlaceArgs or PositionCloseArgs)
            ? await accountLock.AcquireAsync(AccountKey, ct).ConfigureAwait(false) ?? Busy
            : null;
        if (ReferenceEquals(held, Busy))
        {
            string[] busy = [$"Another order on this account is being checked and sent and did not finish within {risk.Value.AccountLockWaitSeconds}s (Risk:AccountLockWaitSeconds). Nothing was sent; send the command again."];
            await AuditAsync(message, input, plan, AuditDecision.Refused, busy, null, result.Pending!.Id, ct).ConfigureAwait(false);
            return Reply(ReplyKind.Refused, plan, messages: busy);
        }
        // Re-checked at confirmation: a halt, a loss-limit trip or new prices since the card can still deny.
        var check = await CheckAsync(steps, ct).ConfigureAwait(false);
        var errors = check.Errors.Count > 0 ? check.Errors : PriceMoved(steps, result.Pending!.SizedAt, check.Market);
        if (errors.Count > 0)
        {
            await AuditAsync(message, input, plan, AuditDecision.Refused, errors, null, result.Pending!.Id, ct).ConfigureAwait(false);
            if (check.Risk is { Allowed: false } d) await NotifyDenialAsync(request.User, input, d, ct).ConfigureAwait(false);
            return await ResolvedAsync(result.Pending, request, Reply(ReplyKind.Refused, plan, messages: errors)).ConfigureAwait(false);
        }
        // Audited before the first port is called: a crash mid-plan leaves this row without its completion below.
        await AuditAsync(message, input, plan, AuditDecision.Executing, ["execution started"], null, result.Pending!.Id, ct).ConfigureAwait(false);
        var outcome = await executor.ExecuteAsync(ReduceOnlyWhereReducing(steps, check.Risk), new StepContext(request.User, request.Channel, request.ChatId, result.Pending!.Id, 0), ct).ConfigureAwait(false);
        await AuditAsync(message, input, plan, AuditDecision.Confirmed, [], outcome, result.Pending.Id, ct).ConfigureAwait(false);
        return await ResolvedAsync(result.Pending, request, Reply(ReplyKind.Done, plan, outcome)).ConfigureAwait(false);
    }

    private static readonly IAsyncDisposable Busy = new NoLock();

    private sealed class NoLock : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private string AccountKey => AccountLock.AccountOf(exchange.Mode);

    /// <summary>
    /// Replaces notional order steps by the quantity they are sent with, sized now against the card's market snapshot;
    /// returns the price each was sized at (by step index within the waiting steps).
    /// </summary>
    private (IReadOnlyList<PlanStep> Steps, IReadOnlyDictionary<string, decimal>? SizedAt) SizeNotionalOrders(IReadOnlyList<PlanStep> steps, MarketSnapshot market, int offset)
    {
        Dictionary<string, decimal>? sizedAt = null;
        var result = new List<PlanStep>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            if (steps[i].Args is OrderPlaceArgs { Notional: not null } o
                && OrderPreparer.Prepare(o, market, options.Value.BotId, "CARD", offset + i) is { Request: { } r } prepared)
            {
                result.Add(new PlanStep(o with { Qty = r.Qty, Notional = null }));
                (sizedAt ??= [])[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = prepared.ReferencePrice;
                continue;
            }
            result.Add(steps[i]);
        }
        return (result, sizedAt);
    }

    /// <summary>Refusals for card-sized orders whose price moved by more than the price band since the card.</summary>
    private List<string> PriceMoved(IReadOnlyList<PlanStep> steps, IReadOnlyDictionary<string, decimal>? sizedAt, MarketSnapshot market)
    {
        var errors = new List<string>();
        if (sizedAt is null) return errors;
        foreach (var (index, then) in sizedAt)
        {
            var i = int.Parse(index, System.Globalization.CultureInfo.InvariantCulture);
            if (i >= steps.Count || steps[i].Args is not OrderPlaceArgs o || then <= 0) continue;
            var now = o.Price ?? o.Trigger?.Price ?? market.LastPrice(o.Symbol);
            if (now is not { } p) continue;
            var moved = Math.Abs(p - then) / then * 100;
            if (moved > risk.Value.PriceBandPercent)
                errors.Add($"{o.Symbol} moved {Math.Round(moved, 1)}% (from {Format.Price(then)} to {Format.Price(p)}) since the card sized this order at {Format.Qty(o.Qty ?? 0)}; the band is ±{risk.Value.PriceBandPercent}% (Risk:PriceBandPercent). Nothing was sent: send the order again to size it at today's price.");
        }
        return errors;
    }

    /// <summary>Linear orders that risk classified as reducing are sent reduce-only, so the venue enforces it too.</summary>
    private static IReadOnlyList<PlanStep> ReduceOnlyWhereReducing(IReadOnlyList<PlanStep> steps, RiskDecision? decision)
    {
        if (decision is null) return steps;
        var result = steps.ToList();
        foreach (var a in decision.Orders)
            if (!a.IncreasesRisk && result[a.StepIndex].Args is OrderPlaceArgs { Category: OrderCategory.Linear, ReduceOnly: false } o)
                result[a.StepIndex] = new PlanStep(o with { ReduceOnly = true });
        return result;
    }

    /// <inheritdoc />
    public Task<AssistantReply> CancelAsync(ConfirmationRequest request, CancellationToken ct) => ObservedAsync("cancel", request.Channel, () => CancelCoreAsync(request, ct));

    // The shared live-state store (Redis: confirmation tokens, halt latch) is down: nothing gated can be created,
    // confirmed or run, so say so with the store's own message (it names the server and the setting to check).
    private async Task<AssistantReply> FailClosedWithoutLiveStateAsync(Task<AssistantReply> handling)
    {
        try
        {
            return await handling.ConfigureAwait(false);
        }
        catch (LiveStateUnavailableException e)
        {
            logger.LogWarning("Live-state store unavailable: {Error}", e.Message);
            return Reply(ReplyKind.Error, null, messages: [$"Confirmations are unavailable right now, so nothing was done. {e.Message}"]);
        }
    }

    private async Task<AssistantReply> CancelCoreAsync(ConfirmationRequest request, CancellationToken ct)
    {
        var denied = await AuthorizeConfirmationAsync(request, "cancel", ct).ConfigureAwait(false);
        if (denied is not null) return denied;
        var result = await gate.CancelAsync(request.ConfirmationId, request.Channel, request.ChatId, request.User, ct).ConfigureAwait(false);
        CountConfirmation(result.Status);
        if (result.Status is GateStatus.Cancelled or GateStatus.Expired)
        {
            var input = result.Pending?.Input ?? "(cancel)";
            await AuditAsync(new IncomingMessage(request.Channel, request.ChatId, request.User, input), input, null, AuditDecision.Cancelled, [], null, result.Pending?.Id, ct).ConfigureAwait(false);
            return await ResolvedAsync(result.Pending, request, Reply(ReplyKind.Cancelled, null, messages: ["Cancelled. Nothing was done."])).ConfigureAwait(false);
        }
        return GateReply(result.Status);
    }

    /// <summary>Tells subscribed channels that a card waits for its user (the web page shows a Telegram card too).</summary>
    private void Created(PendingConfirmation pending, ConfirmationCard card)
    {
        if (confirmationEvents is null) return;
        try
        {
            confirmationEvents.PublishCreated(new ConfirmationCreated(card, pending.Channel, pending.ChatId,
                pending.UserKey ?? UserKeys.Local(pending.Channel, pending.UserId), time.GetUtcNow()));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A channel failed to show confirmation {ConfirmationId}", pending.Id);
        }
    }

    /// <summary>Tells subscribed channels that a card is resolved; the reply stands whatever a subscriber does.</summary>
    private async Task<AssistantReply> ResolvedAsync(PendingConfirmation? pending, ConfirmationRequest request, AssistantReply reply)
    {
        if (confirmationEvents is null || pending is null) return reply;
        try
        {
            await confirmationEvents.PublishAsync(new ConfirmationResolved(pending.Id, pending.Channel, pending.ChatId, pending.UserId, request.Channel, reply, time.GetUtcNow(), pending.UserName), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A channel failed to handle the resolution of confirmation {ConfirmationId}", pending.Id);
        }
        return reply;
    }

    private async Task<AssistantReply?> AuthorizeConfirmationAsync(ConfirmationRequest request, string what, CancellationToken ct)
    {
        if (request.User.Role == UserRole.Admin) return null;
        if (what == "confirm") AiTradingBotTelemetry.Confirmations.Add(1, new KeyValuePair<string, object?>("outcome", "wrong_user"));
        var message = new IncomingMessage(request.Channel, request.ChatId, request.User, $"({what} {request.ConfirmationId})");
        await AuditAsync(message, message.Text, null, AuditDecision.Refused, ["access denied"], null, request.ConfirmationId, ct).ConfigureAwait(false);
        return request.User.Role == UserRole.None
            ? Reply(ReplyKind.AccessDenied, null, messages: ["ACCESS DENIED"])
            : Reply(ReplyKind.Refused, null, messages: ["Your access is read-only: only admins can confirm actions."]);
    }

    private AssistantReply GateReply(GateStatus status) => status switch
    {
        GateStatus.AlreadyHandled => Reply(ReplyKind.AlreadyHandled, null, messages: ["That was already handled; nothing more was done."]),
        GateStatus.NotYours => Reply(ReplyKind.NotYours, null, messages: ["Only the person who asked can confirm or cancel this: in the chat where they asked, or signed in as themselves on the web."]),
        _ => Reply(ReplyKind.NotYours, null, messages: ["There is nothing waiting for your confirmation. Send the command again."]),
    };

    private sealed record Check(IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings, RiskDecision? Risk, MarketSnapshot Market);

    private async Task<Check> CheckAsync(IReadOnlyList<PlanStep> steps, CancellationToken ct)
    {
        using var checking = AiTradingBotTelemetry.Activities.StartActivity("check");
        var trades = steps.Any(s => s.Args is OrderPlaceArgs or PositionCloseArgs);
        MarketSnapshot market;
        try
        {
            market = trades ? await MarketSnapshot.LoadAsync(steps, exchange, ct).ConfigureAwait(false) : MarketSnapshot.Empty;
        }
        catch (ExchangeException e)
        {
            return new Check([$"The exchange could not be reached to check this plan: {e.Message}"], [], null, MarketSnapshot.Empty);
        }
        var validation = validator.Validate(steps, market);
        if (!validation.IsValid) return new Check(validation.Errors, [], null, market);
        if (!steps.Any(s => s.Gated)) return new Check([], [], null, market);

        var sizing = new List<string>();
        for (var i = 0; i < steps.Count; i++)
            if (steps[i].Args is OrderPlaceArgs o && OrderPreparer.Prepare(o, market, options.Value.BotId, "CHECK", i).Error is { } err)
                sizing.Add(steps.Count > 1 ? $"Step {i + 1}: {err}" : err);
        if (sizing.Count > 0) return new Check(sizing, [], null, market);

        AccountSnapshot account;
        try
        {
            account = await AccountAsync(trades, steps.Any(s => s.Args is SystemStartArgs or SystemRestartArgs or SystemLaunchArgs), ct).ConfigureAwait(false);
        }
        catch (ExchangeException e)
        {
            return new Check([$"The account could not be read to check the risk limits: {e.Message}"], [], null, market);
        }
        var decision = RiskEngine.Evaluate(steps, account, market, risk.Value, systems, exchange.Mode.Live);
        return new Check(decision.Allowed ? [] : decision.Reasons, decision.Warnings, decision, market);
    }

    private async Task<AccountSnapshot> AccountAsync(bool trades, bool startsSystems, CancellationToken ct)
    {
        var halted = await halt.IsHaltedAsync(ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (!trades)
        {
            if (!startsSystems) return AccountSnapshot.Empty with { Halted = halted };
            // Starting trading systems while the daily loss limit is tripped adds risk too.
            var (start, _) = PnlPeriods.Range(PnlPeriod.Today, now, PnlPeriods.Zone(options.Value.TimeZone));
            return AccountSnapshot.Empty with { Halted = halted, RealizedPnlToday = PnlFigures.Of(await fills.QueryAsync(new FillQuery(start, null), ct).ConfigureAwait(false)).NetPnl };
        }
        var positions = await exchange.GetPositionsAsync(null, ct).ConfigureAwait(false);
        var open = await exchange.GetOpenOrdersAsync(null, ct).ConfigureAwait(false);
        var recent = await journal.SinceAsync(now.AddMinutes(-1), ct).ConfigureAwait(false);
        var (from, _) = PnlPeriods.Range(PnlPeriod.Today, now, PnlPeriods.Zone(options.Value.TimeZone));
        var today = PnlFigures.Of(await fills.QueryAsync(new FillQuery(from, null), ct).ConfigureAwait(false));
        var wallet = await exchange.GetWalletAsync(ct).ConfigureAwait(false);
        return new AccountSnapshot(positions, open.Count, recent.Count, today.NetPnl, wallet.Equity, halted) { Resting = open };
    }

    private ConfirmationCard BuildCard(PendingConfirmation pending, IReadOnlyList<PlanStep> shown, IReadOnlyList<PlanStep> steps, Check check, int offset)
    {
        var lines = new List<CardLine>(steps.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var text = StepDescriber.Describe(shown[i]);
            decimal? notional = null;
            if (steps[i].Args is OrderPlaceArgs o)
            {
                var prepared = OrderPreparer.Prepare(o, check.Market, options.Value.BotId, pending.Id, offset + i);
                notional = prepared.EstimatedNotional;
                var original = (OrderPlaceArgs)shown[i].Args;
                if (prepared.Request is { } r && original.Notional is not null)
                    text += $" → sends exactly {Format.Qty(r.Qty)} {r.Symbol}" + (r.Price is { } lp ? $" @ {Format.Price(lp)}" : "") + $" (sized now at {Format.Price(prepared.ReferencePrice)})";
                else if (prepared.Request is { } r2 && (o.Qty != r2.Qty || o.Price != r2.Price || o.Trigger?.Price != r2.Trigger?.Price))
                    text += $" → sends {Format.Qty(r2.Qty)} {r2.Symbol}" + (r2.Price is { } p ? $" @ {Format.Price(p)}" : "") + (r2.Trigger is { } t ? $" when {Format.Price(t.Price)}" : "") + " (rounded to the exchange's step/tick, toward the safe side)";
            }
            else if (steps[i].Args is PositionCloseArgs)
            {
                notional = check.Risk?.Orders.FirstOrDefault(a => a.StepIndex == offset + i)?.EstimatedNotional;
            }
            lines.Add(new CardLine(steps[i].Action, text, steps[i].Gated, notional));
        }
        var total = lines.Any(l => l.EstimatedNotional is not null) ? lines.Sum(l => l.EstimatedNotional ?? 0) : (decimal?)null;
        return new ConfirmationCard(pending.Id, steps, lines, ModeLabel, total, check.Warnings, pending.ExpiresAt);
    }

    private async Task NotifyDenialAsync(Principal user, string text, RiskDecision decision, CancellationToken ct)
    {
        var summary = $"⛔ Risk denied a request from {user.UserName ?? user.UserId}: \"{redactor.Redact(Truncate(text, 200))}\" — {decision.Reasons[0]}";
        await notifications.PublishAsync(new Notification(NotificationKind.RiskDenial, summary, HtmlMarkup.Instance.Escape(summary)), ct).ConfigureAwait(false);
        if (decision.LossLimitTripped && await store.SetIfNotExistsAsync($"risk:loss-limit-notified:{time.GetUtcNow():yyyyMMdd}", "1", TimeSpan.FromDays(1), ct).ConfigureAwait(false))
        {
            var loss = $"🚨 The daily loss limit of {risk.Value.DailyLossLimit} USDT is reached: only risk-reducing orders pass until tomorrow.";
            await notifications.PublishAsync(new Notification(NotificationKind.LossLimitTripped, loss, HtmlMarkup.Instance.Escape(loss)), ct).ConfigureAwait(false);
        }
    }

    private AssistantReply Reply(ReplyKind kind, Plan? plan, PlanOutcome? outcome = null, ConfirmationCard? card = null, IReadOnlyList<string>? messages = null) =>
        new(kind, plan, outcome, card, messages ?? [], ModeLabel);

    private static string Reference() => Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private async Task AuditAsync(IncomingMessage message, string text, Plan? plan, AuditDecision decision, IReadOnlyList<string> reasons, PlanOutcome? outcome, string? confirmationId, CancellationToken ct)
    {
        try
        {
            var steps = outcome?.Steps.Select(s => new AuditStep(s.Step.Action, s.Status.ToString().ToLowerInvariant(), s.Error is null ? null : redactor.Redact(s.Error))).ToList() ?? [];
            var record = new AuditRecord(time.GetUtcNow(), message.Channel, message.User.UserId, message.User.UserName, message.ChatId,
                redactor.Redact(Truncate(text, 4000)), plan is null ? null : redactor.Redact(PlanJson.Serialize(plan)), decision,
                WithAssumptions(reasons, plan).Select(redactor.Redact).ToList(), steps, confirmationId, exchange.Mode.Label, Activity.Current?.TraceId.ToHexString());
            await audit.AppendAsync(record, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The decision stands; a failing audit sink is logged loudly, never silently dropped.
            logger.LogError(e, "Audit record could not be written for {Channel}/{ChatId}", message.Channel, message.ChatId);
        }
    }

    // What the interpreter assumed (a corrected typo, a default filled in) is not part of the plan's JSON contract, yet
    // it shaped the decision: the audit row keeps it beside the reasons.
    private static IEnumerable<string> WithAssumptions(IReadOnlyList<string> reasons, Plan? plan) =>
        plan is { Notes.Count: > 0 } ? reasons.Concat(plan.Notes.Select(n => "assumed: " + n)).Distinct(StringComparer.Ordinal) : reasons;

    private async Task<ConversationContext> LoadContextAsync(IncomingMessage message, CancellationToken ct)
    {
        string? json;
        try
        {
            json = await store.GetAsync(ContextKey(message), ct).ConfigureAwait(false);
        }
        catch (LiveStateUnavailableException)
        {
            // The chat context is a convenience: without the store, read-only commands still work without it.
            return ConversationContext.Empty;
        }
        if (json is null) return ConversationContext.Empty;
        try { return JsonSerializer.Deserialize<ConversationContext>(json) ?? ConversationContext.Empty; }
        catch (JsonException) { return ConversationContext.Empty; }
    }

    private async Task SaveContextAsync(IncomingMessage message, Plan plan, CancellationToken ct)
    {
        var mentionedSystems = new List<string>();
        var mentionedSymbols = new List<string>();
        foreach (var s in plan.Steps)
            switch (s.Args)
            {
                case SystemStatusArgs { System: var x }: mentionedSystems.Add(x); break;
                case SystemDiagnosticsArgs { System: var x }: mentionedSystems.Add(x); break;
                case SystemLogsArgs { System: var x }: mentionedSystems.Add(x); break;
                case SystemStartArgs { System: var x }: mentionedSystems.Add(x); break;
                case SystemStopArgs { System: var x }: mentionedSystems.Add(x); break;
                case SystemRestartArgs { System: var x }: mentionedSystems.Add(x); break;
                case SystemExecArgs { System: var x }: mentionedSystems.Add(x); break;
                case OrderPlaceArgs { Symbol: var y }: mentionedSymbols.Add(y); break;
                case PositionCloseArgs { Symbol: var y }: mentionedSymbols.Add(y); break;
                case MarketPriceArgs { Symbol: var y }: mentionedSymbols.Add(y); break;
                case PortfolioPositionsArgs { Symbol: { } y }: mentionedSymbols.Add(y); break;
                case OrderCancelArgs { Symbol: { } y }: mentionedSymbols.Add(y); break;
            }
        mentionedSystems.RemoveAll(s => s == SystemRegistry.All);
        mentionedSymbols.RemoveAll(s => s == "all");
        if (mentionedSystems.Count == 0 && mentionedSymbols.Count == 0) return;
        var old = await LoadContextAsync(message, ct).ConfigureAwait(false);
        var depth = options.Value.ContextDepth;
        var next = new ConversationContext(
            Enumerable.Reverse(mentionedSystems).Concat(old.RecentSystems).Distinct().Take(depth).ToList(),
            Enumerable.Reverse(mentionedSymbols).Concat(old.RecentSymbols).Distinct().Take(depth).ToList());
        try
        {
            await store.SetAsync(ContextKey(message), JsonSerializer.Serialize(next), TimeSpan.FromHours(2), ct).ConfigureAwait(false);
        }
        catch (LiveStateUnavailableException)
        {
            // As above: losing the context of one turn is harmless.
        }
    }

    private static string ContextKey(IncomingMessage m) => $"ctx:{ConversationKey.For(m.Channel, m.ChatId, m.User.UserId)}";

    // The audit says who made a plan, so a model's proposal is never mistaken for the user's own command.
    private static IEnumerable<string> Origin(Plan plan) => plan.Origin == PlanOrigin.Model ? ["proposed by the language model"] : [];
}
