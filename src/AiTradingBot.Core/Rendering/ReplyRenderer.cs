using System.Text;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Rendering;

/// <summary>
/// Renders typed replies and step results for every channel; channels only supply the <see cref="IMarkup"/>.
/// Every dynamic string is escaped here, once.
/// </summary>
public sealed class ReplyRenderer(IMarkup markup, TimeProvider? time = null, Audit.SecretRedactor? redactor = null)
{
    private readonly IMarkup _m = markup;
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Audit.SecretRedactor _redactor = redactor ?? Audit.SecretRedactor.None;

    /// <summary>The whole reply: messages, results of what ran, and the confirmation card if one waits.</summary>
    public string Render(AssistantReply reply) =>
        // A dashboard link is the one credential a reply carries on purpose, to the user who asked for it.
        _redactor.Redact(RenderUnmasked(reply), keepSignInLinks: reply.Outcome?.Steps.Any(s => s.Result is DashboardLinkResult) == true);

    private string RenderUnmasked(AssistantReply reply)
    {
        var sb = new StringBuilder();
        if (reply.Kind != ReplyKind.AccessDenied && reply.Plan is { Notes.Count: > 0 } noted)
            // What the interpreter assumed (a corrected typo) goes first, so it is read before anything is confirmed.
            foreach (var note in noted.Notes) sb.AppendLine("✏️ " + E(char.ToUpperInvariant(note[0]) + note[1..] + "."));
        switch (reply.Kind)
        {
            case ReplyKind.AccessDenied:
                return _m.Bold("ACCESS DENIED");
            case ReplyKind.Refused:
                sb.AppendLine(_m.Bold("⛔ REFUSED") + " " + E($"[{reply.ModeLabel}]"));
                break;
            case ReplyKind.Clarify:
                sb.AppendLine("❓ " + E(reply.Plan?.Clarify ?? "Could you say that more precisely?"));
                break;
            case ReplyKind.Nothing:
                sb.AppendLine(E(reply.Messages.FirstOrDefault() ?? reply.Plan?.Reason ?? "Nothing to do. Send help to see what I can do."));
                return sb.ToString().TrimEnd();
            case ReplyKind.Expired:
            case ReplyKind.AlreadyHandled:
            case ReplyKind.NotYours:
            case ReplyKind.Cancelled:
            case ReplyKind.Error:
                break;
        }
        foreach (var message in reply.Kind == ReplyKind.Nothing ? [] : reply.Messages)
            sb.AppendLine((reply.Kind == ReplyKind.Refused ? "• " : "") + E(message));
        if (reply.Outcome is { } outcome)
        {
            if (sb.Length > 0) sb.AppendLine();
            sb.Append(RenderOutcome(outcome));
        }
        if (reply.Card is { } card)
        {
            if (sb.Length > 0) sb.AppendLine().AppendLine();
            sb.Append(RenderCard(card));
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>A confirmation card: mode, each step, estimated notional, warnings, expiry.</summary>
    public string RenderCard(ConfirmationCard card) => _redactor.Redact(RenderCardUnmasked(card));

    private string RenderCardUnmasked(ConfirmationCard card)
    {
        var sb = new StringBuilder();
        sb.AppendLine(_m.Bold($"⚠️ CONFIRM [{E(card.ModeLabel)}]"));
        var i = 1;
        foreach (var line in card.Lines)
        {
            sb.Append($"{i++}. ").Append(line.Gated ? _m.Bold(E(line.Text)) : E(line.Text));
            if (line.EstimatedNotional is { } n) sb.Append(E($" ≈ {Format.Money(n)} USDT"));
            sb.AppendLine();
        }
        if (card.EstimatedNotional is { } total && card.Lines.Count(l => l.EstimatedNotional is not null) > 1)
            sb.AppendLine(E($"Estimated total: {Format.Money(total)} USDT"));
        foreach (var w in card.Warnings) sb.AppendLine("⚠️ " + E(w));
        var left = card.ExpiresAt - _time.GetUtcNow();
        sb.Append(E($"Expires in {Format.Duration(left < TimeSpan.Zero ? TimeSpan.Zero : left)}. Code: ")).Append(_m.Code(E(card.Id)));
        return sb.ToString();
    }

    /// <summary>Each step's result, failure or skip.</summary>
    public string RenderOutcome(PlanOutcome outcome) => _redactor.Redact(RenderOutcomeUnmasked(outcome), keepSignInLinks: outcome.Steps.Any(s => s.Result is DashboardLinkResult));

    private string RenderOutcomeUnmasked(PlanOutcome outcome)
    {
        var sb = new StringBuilder();
        foreach (var s in outcome.Steps)
        {
            if (sb.Length > 0) sb.AppendLine().AppendLine();
            switch (s.Status)
            {
                case StepStatus.Succeeded when s.Result is not null:
                    sb.Append(RenderResult(s.Result));
                    break;
                case StepStatus.Failed:
                    sb.Append(_m.Bold("❌ FAILED: ") + E(StepDescriber.Describe(s.Step))).AppendLine();
                    sb.Append(E(s.Error ?? "unknown error"));
                    if (s.Result is not null) sb.AppendLine().AppendLine().Append(RenderResult(s.Result));
                    break;
                case StepStatus.Skipped:
                    sb.Append("⏭ " + E($"Skipped (an earlier step failed): {StepDescriber.Describe(s.Step)}"));
                    break;
                default:
                    sb.Append(E($"✅ {StepDescriber.Describe(s.Step)}"));
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>One typed result.</summary>
    public string RenderResult(StepResult result) => _redactor.Redact(RenderResultUnmasked(result), keepSignInLinks: result is DashboardLinkResult);

    private string RenderResultUnmasked(StepResult result) => result switch
    {
        SystemsReportResult r => Systems(r),
        LogsResult r => Logs(r),
        ContainerActionsResult r => ContainerActions(r),
        ExecStepResult r => _m.Bold(E($"EXECUTE {r.Command} on {r.System}")) + E($": exit code {r.ExitCode}") + (r.ExitCode == 0 ? " ✅" : " ❌") + "\n"
                            + _m.Pre(E(r.Output.Length == 0 ? "(no output)" : r.Output + (r.Truncated ? "\n… (output truncated)" : ""))),
        KillswitchResult r => Killswitch(r),
        ResumeResult r => r.WasHalted ? "▶️ " + E("Trading resumed: risk-increasing orders are allowed again.") : E("Trading was not halted; nothing changed."),
        OrderPlacedResult r => Order(r),
        OrdersCancelledResult r => E($"[{r.Mode.Label}] ") + (r.OrderIds.Count == 0 ? E("No open orders to cancel" + (r.Symbol is null ? "." : $" on {r.Symbol}.")) : E($"Cancelled {r.OrderIds.Count} order(s)" + (r.Symbol is null ? "" : $" on {r.Symbol}") + ": " + string.Join(", ", r.OrderIds.Take(20)))),
        OrderListResult r => Orders(r),
        PositionsClosedResult r => Closed(r.Mode, r.Closed),
        BalanceResult r => Balance(r),
        PositionsResult r => Positions(r),
        PnlResult r => Pnl(r.Summary),
        TradesResult r => Trades(r),
        PriceResult r => _m.Bold(E(r.Ticker.Symbol)) + E($" {Format.Price(r.Ticker.LastPrice)}")
                         + (r.Ticker.Change24hPercent is { } c ? E($" ({(c >= 0 ? "+" : "")}{Format.Percent(c)} 24h)") : "")
                         + (r.Mode.Live ? "" : E(" [PAPER feed]")),
        ReportResult r => _m == HtmlMarkup.Instance ? r.Html : E(r.Text),
        ChartResult r => E(r.Caption),
        ReportScheduledResult r => E($"📅 The {Kind(r.Schedule.Kind)} report is scheduled at \"{r.Schedule.Cron}\" ({r.Schedule.TimeZone})" + (r.Schedule.NextFire is { } n ? $"; next: {Format.Time(n)}." : ".")),
        ReportListResult r => r.Schedules.Count == 0 ? E("No reports are scheduled. Example: schedule a sitrep every hour.")
            : _m.Bold("Scheduled reports") + "\n" + string.Join("\n", r.Schedules.Select(s => E($"• {Kind(s.Kind)} at \"{s.Cron}\" ({s.TimeZone})" + (s.NextFire is { } n ? $", next {Format.Time(n)}" : "")))),
        ReportCancelledResult r => E(r.Existed ? $"The scheduled {Kind(r.Kind)} report is removed." : $"No {Kind(r.Kind)} report was scheduled here."),
        HelpResult r => Help(r),
        DashboardLinkResult r => E($"🔗 Your dashboard link (works once, until {Format.Time(r.ExpiresAt)}): {r.Url} — do not forward it: it signs in as you."),
        LaunchResult r => E($"🚀 Launched {r.Container.Name} ({r.Container.Image}): {r.Container.State}"),
        RemoveResult r => E($"🗑 Removed {r.Container}"),
        _ => E(result.GetType().Name),
    };

    private string E(string s) => _m.Escape(s);

    /// <summary>Escapes dynamic text with this renderer's markup.</summary>
    public string Escape(string text) => _m.Escape(text);

    private static string Kind(ReportKind k) => k.ToString().ToLowerInvariant();

    private string Demo(bool demo) => demo ? " " + _m.Bold("[DEMO SYSTEMS — no Docker]") : "";

    private string Systems(SystemsReportResult r)
    {
        var sb = new StringBuilder(_m.Bold(r.Diagnostics ? "🩺 DIAGNOSTICS" : "📡 SITREP") + Demo(r.Demo));
        foreach (var s in r.Systems)
        {
            sb.AppendLine();
            if (s.Error is not null)
            {
                sb.Append("⚠️ ").Append(_m.Bold(E(s.System))).Append(E($" ({s.Container}{On(s.Host)}): {s.Error}"));
                continue;
            }
            var icon = s.Running ? (s.Health is "unhealthy" ? "🟠" : "🟢") : "🔴";
            var parts = new List<string> { s.State };
            if (s.Running && s.Uptime is { } up) parts.Add($"up {Format.Duration(up)}");
            if (!s.Running && s.ExitCode is { } code) parts.Add($"exit code {code}");
            if (s.Health is { } h) parts.Add(h);
            if (s.RestartCount is { } rc) parts.Add($"restarts {rc}");
            if (r.Diagnostics || s.CpuPercent is not null)
            {
                if (s.CpuPercent is { } cpu) parts.Add($"CPU {Format.Percent(cpu)}");
                if (s.MemoryUsedBytes is { } mem) parts.Add($"MEM {Format.Bytes(mem)}" + (s.MemoryLimitBytes is { } lim && lim > 0 ? $" / {Format.Bytes(lim)}" : ""));
            }
            sb.Append(icon).Append(' ').Append(_m.Bold(E(s.System))).Append(E($" ({s.Container}{On(s.Host)}) " + string.Join(" · ", parts)));
        }
        if (r.Systems.Count == 0) sb.AppendLine().Append(E("No systems are configured (Systems: in appsettings.json)."));
        return sb.ToString();
    }

    private string Logs(LogsResult r)
    {
        var header = _m.Bold(E($"📜 INTEL {r.System}")) + E($" ({r.Container}) — last {r.Lines.Count} of {r.Requested} requested line(s)"
            + (r.Grep is null ? "" : $" matching \"{r.Grep}\"") + (r.Since is null ? "" : $" since {r.Since}")) + Demo(r.Demo);
        if (r.Lines.Count == 0) return header + "\n" + E("(no matching lines)");
        var body = string.Join("\n", r.Lines.Select(l => (l.Timestamp is { } t ? t.UtcDateTime.ToString("HH:mm:ss ") : "") + (l.Stream == LogStream.Stderr ? "! " : "") + l.Text));
        return header + "\n" + _m.Pre(E(body));
    }

    private string ContainerActions(ContainerActionsResult r)
    {
        var (title, done, already) = r.Verb switch
        {
            "start" => ("DEPLOY", "started", "already running"),
            "stop" => ("TERMINATE", "stopped", "already stopped"),
            _ => ("REBOOT", "restarted", "restarted"),
        };
        var sb = new StringBuilder(_m.Bold(title) + Demo(r.Demo));
        foreach (var o in r.Outcomes)
        {
            sb.AppendLine();
            sb.Append(o.Outcome switch
            {
                ContainerOutcome.Done => "✅ " + E($"{o.System} ({o.Container}{On(o.Host)}) {done} in {Format.Duration(o.Elapsed)}"),
                ContainerOutcome.AlreadyInState => "☑️ " + E($"{o.System} ({o.Container}{On(o.Host)}) {already}"),
                _ => "❌ " + E($"{o.System} ({o.Container}{On(o.Host)}): {o.Message}"),
            });
        }
        return sb.ToString();
    }

    /// <summary>" on host" inside a container's parentheses when several hosts are configured.</summary>
    private static string On(string? host) => host is null ? "" : $" on {host}";

    /// <summary>" (on host)" after a name when several hosts are configured.</summary>
    private static string OnHost(string? host) => host is null ? "" : $" (on {host})";

    private string Killswitch(KillswitchResult r)
    {
        var sb = new StringBuilder(_m.Bold("🛑 KILLSWITCH"));
        foreach (var o in r.Stops)
            sb.AppendLine().Append(o.Outcome == ContainerOutcome.Failed ? "❌ " + E($"{o.System}{OnHost(o.Host)}: {o.Message}") : "✅ " + E($"{o.System}{OnHost(o.Host)} stopped" + (o.Outcome == ContainerOutcome.AlreadyInState ? " (already)" : "")));
        if (r.CancelError is not null) sb.AppendLine().Append("❌ " + E($"Cancelling orders failed: {r.CancelError}"));
        else if (r.OrderGroups.Count == 0) sb.AppendLine().Append("✅ " + E($"Cancelled {r.CancelledOrderIds.Count} open order(s)"));
        foreach (var g in r.OrderGroups)
            sb.AppendLine().Append(g.Error is null ? "✅ " + E($"{g.Group}: cancelled {g.CancelledOrderIds.Count} order(s)") : "❌ " + E($"{g.Group}: {g.Error}"));
        if (r.VerifyError is not null) sb.AppendLine().Append("❌ " + E($"Could not list what is left: {r.VerifyError}"));
        else if (r.OrdersLeft.Count == 0 && r.CancelError is null) sb.AppendLine().Append("✅ " + E("No open orders left (listed again)"));
        foreach (var o in r.OrdersLeft)
            sb.AppendLine().Append("❌ " + E($"Still open: order {o.OrderId} ({o.Category.ToString().ToLowerInvariant()} {o.Symbol} {o.Side.ToString().ToLowerInvariant()} {Format.Qty(o.Qty)})"));
        foreach (var c in r.Closed)
            sb.AppendLine().Append(c.Error is null ? "✅ " + E($"Closed {Format.Qty(c.ClosedQty)} {c.Symbol}") : "❌ " + E($"Closing {c.Symbol} failed: {c.Error}"));
        foreach (var p in r.PositionsLeft)
            sb.AppendLine().Append("❌ " + E($"Still open: position {p.Symbol} {Format.Qty(p.Qty)}"));
        if (r.HaltError is not null) sb.AppendLine().Append("❌ " + E($"Latching the halt: {r.HaltError}"));
        sb.AppendLine().Append(r.Halted ? _m.Bold(E("Trading is HALTED: only risk-reducing orders pass until an admin sends /resume.")) : "");
        return sb.ToString().TrimEnd();
    }

    private string Order(OrderPlacedResult r)
    {
        var o = r.Request;
        var what = $"{(o.Side == OrderSide.Buy ? "BUY" : "SELL")} {Format.Qty(o.Qty)} {o.Symbol} {(o.Type == OrderType.Limit ? $"limit @ {Format.Price(o.Price ?? 0)}" : "market")}"
                   + (o.Trigger is { } t ? $" when {(t.Direction == TriggerDirection.Below ? "≤" : "≥")} {Format.Price(t.Price)}" : "");
        if (!r.Result.Accepted)
            return "❌ " + _m.Bold(E($"[{r.Mode.Label}] Order rejected")) + E($": {what}: {r.Result.RejectReason}");
        var status = r.Result.Status switch
        {
            OrderStatus.Filled => $"filled {Format.Qty(r.Result.FilledQty)} @ {Format.Price(r.Result.AveragePrice ?? 0)}",
            OrderStatus.PartiallyFilled => $"partially filled {Format.Qty(r.Result.FilledQty)} @ {Format.Price(r.Result.AveragePrice ?? 0)}",
            OrderStatus.Untriggered => "waiting for its trigger",
            _ => "open",
        };
        return "✅ " + _m.Bold(E($"[{r.Mode.Label}] {what}")) + E($": {status}. Order {r.Result.OrderId} ({r.Result.ClientOrderId})" + (r.Result.AlreadyExisted ? " — already existed, not placed twice." : ""))
               + (r.JournalProblem is { } problem ? "\n⚠️ " + E($"The order is placed, but recording it in the order journal failed: {problem}. Do not send it again; check the open orders and positions.") : "");
    }

    private string Orders(OrderListResult r)
    {
        if (r.Orders.Count == 0) return E($"[{r.Mode.Label}] No open orders" + (r.Symbol is null ? "." : $" on {r.Symbol}."));
        var sb = new StringBuilder(_m.Bold(E($"[{r.Mode.Label}] Open orders ({r.Orders.Count})")));
        foreach (var o in r.Orders)
            sb.AppendLine().Append(E($"• {o.OrderId}: {(o.Side == OrderSide.Buy ? "BUY" : "SELL")} {Format.Qty(o.Qty)} {o.Symbol} "
                + (o.Type == OrderType.Limit ? $"limit @ {Format.Price(o.Price ?? 0)}" : "market")
                + (o.Trigger is { } t ? $" when {(t.Direction == TriggerDirection.Below ? "≤" : "≥")} {Format.Price(t.Price)}" : "")
                + (o.ReduceOnly ? " reduce-only" : "") + $" ({o.Status})"));
        return sb.ToString();
    }

    private string Closed(ExchangeMode mode, IReadOnlyList<PositionCloseOutcome> closed)
    {
        if (closed.Count == 0) return E($"[{mode.Label}] No open position to close.");
        var sb = new StringBuilder(_m.Bold(E($"[{mode.Label}] Close positions")));
        foreach (var c in closed)
            sb.AppendLine().Append(c.Error is null && c.Result is { Accepted: true } res
                ? "✅ " + E($"{c.Symbol}: closed {Format.Qty(c.ClosedQty)}" + (res.AveragePrice is { } p ? $" @ {Format.Price(p)}" : ""))
                : "❌ " + E($"{c.Symbol}: {c.Error ?? c.Result?.RejectReason}"));
        return sb.ToString();
    }

    private string Balance(BalanceResult r)
    {
        var w = r.Wallet;
        var sb = new StringBuilder(_m.Bold(E($"💰 Balance [{r.Mode.Label}]")));
        sb.AppendLine().Append(E($"Equity {Format.Money(w.Equity)} USDT · available {Format.Money(w.AvailableBalance)} · unrealized {Format.Signed(w.UnrealizedPnl)}"));
        foreach (var c in w.Coins.Where(c => c.WalletBalance != 0))
            sb.AppendLine().Append(E($"• {c.Coin}: {Format.Qty(c.WalletBalance)} (≈ {Format.Money(c.UsdValue)} USD)"));
        return sb.ToString();
    }

    private string Positions(PositionsResult r)
    {
        if (r.Positions.Count == 0) return E($"[{r.Mode.Label}] No open positions" + (r.Symbol is null ? "." : $" on {r.Symbol}."));
        var sb = new StringBuilder(_m.Bold(E($"📊 Positions [{r.Mode.Label}]")));
        foreach (var p in r.Positions)
            sb.AppendLine().Append(E($"• {p.Symbol} {(p.Qty > 0 ? "LONG" : "SHORT")} {Format.Qty(Math.Abs(p.Qty))} @ {Format.Price(p.AveragePrice)} · mark {Format.Price(p.MarkPrice)} · uPnL {Format.Signed(p.UnrealizedPnl)}" + (p.Leverage > 1 ? $" · {p.Leverage}x" : "")));
        return sb.ToString();
    }

    /// <summary>PnL figures of a period.</summary>
    public string Pnl(PnlSummary s)
    {
        var title = $"📈 PnL {s.Period.ToString().ToLowerInvariant()}" + (s.System is null ? "" : $" · {s.System}");
        var sb = new StringBuilder(_m.Bold(E(title)));
        sb.AppendLine().Append(E((s.From is { } f ? $"{Format.Time(f)} → " : "all time → ") + Format.Time(s.To) + $" ({s.TimeZone})"));
        if (s.Total.Fills == 0)
            return sb.AppendLine().Append(E("No trades in this period.")).ToString();
        sb.AppendLine().Append(Figures("Total", s.Total));
        if (s.PerSystem.Count > 1 || (s.PerSystem.Count == 1 && s.System is null))
            foreach (var (system, figures) in s.PerSystem.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                sb.AppendLine().Append(Figures(system, figures));
        return sb.ToString();
    }

    private string Figures(string label, PnlFigures f) =>
        E($"• {label}: realized {Format.Signed(f.RealizedPnl)} · fees {Format.Money(f.Fees)} · net {Format.Signed(f.NetPnl)} · {f.Fills} fill(s)"
          + (f.WinRate is { } wr ? $" · win rate {Format.Percent(wr * 100)} ({f.Wins}/{f.Wins + f.Losses})" : ""));

    private string Trades(TradesResult r)
    {
        if (r.Fills.Count == 0) return E("No trades yet" + (r.Symbol is null ? "" : $" on {r.Symbol}") + (r.System is null ? "" : $" from {r.System}") + ".");
        var sb = new StringBuilder(_m.Bold(E($"🧾 Last {r.Fills.Count} trade(s)")));
        foreach (var f in r.Fills)
            sb.AppendLine().Append(E($"• {Format.Time(f.ExecTime)} {f.BotId} {(f.Side == OrderSide.Buy ? "BUY" : "SELL")} {Format.Qty(f.Qty)} {f.Symbol} @ {Format.Price(f.Price)} fee {Format.Money(f.Fee)}"
                + (f.Closing ? $" · realized {Format.Signed(f.RealizedPnl)}" : "")));
        return sb.ToString();
    }

    private string Help(HelpResult r)
    {
        var sb = new StringBuilder(_m.Bold("🤖 What I can do"));
        sb.AppendLine().Append(E("Write in plain language (\"stop alpha and show me the last 100 lines\", \"buy 0.1 BTC when it drops below 45k\") or use a command. Anything that changes state asks you to confirm first."));
        foreach (var d in r.Actions)
        {
            sb.AppendLine();
            var cmd = d.Slash is null ? "" : $"/{d.Slash}" + (d.SlashUsage is null ? "" : $" {d.SlashUsage}");
            sb.Append("• ").Append(cmd.Length > 0 ? _m.Code(E(cmd)) + " " : "").Append(E(d.Description + (d.Gated ? " (asks to confirm)" : "")));
        }
        sb.AppendLine().Append("• ").Append(_m.Code("/cc")).Append(E(" main menu"));
        return sb.ToString();
    }

    /// <summary>Help text generated from the catalog (also used by the README table and setMyCommands).</summary>
    public static string HelpText(IMarkup markup) => new ReplyRenderer(markup).Help(new HelpResult(ActionCatalog.All));
}
