using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Language;

public sealed partial class OfflineParser
{
    /// <summary>How a step takes its system argument.</summary>
    private enum SystemUse
    {
        /// <summary>Defaults to the message's last system, else "all" (status, diagnostics).</summary>
        DefaultAll,
        /// <summary>An optional filter (pnl, trades).</summary>
        Optional,
        /// <summary>Exactly one system, may come from context (logs).</summary>
        One,
        /// <summary>Exactly one named system (exec).</summary>
        OneStrict,
        /// <summary>A gated action: the system must be named (or "all").</summary>
        Gated,
    }

    /// <summary>"a couple of lines", "a few trades": a count too vague to guess.</summary>
    private static readonly System.Collections.Frozen.FrozenSet<string> VagueCounts = System.Collections.Frozen.FrozenSet.ToFrozenSet(["couple", "few", "several", "handful", "bunch"]);

    /// <summary>Adds the clause's steps, or returns the question to ask instead.</summary>
    private string? Build(Clause c, ResolveState s, List<PlanStep> steps)
    {
        List<string> systems;
        string? q;
        switch (c.Intent)
        {
            case Intent.Status:
                // "sitrep", "overview", "dashboard" are the whole-fleet report unless a system is named or referred to.
                if (c.Systems.Count == 0 && c.Pronoun is null && c.WordAt(c.Head) is "sitrep" or "overview" or "dashboard" && UnknownName(c) is null)
                {
                    steps.Add(new SystemStatusArgs("all"));
                    return null;
                }
                (systems, q) = ResolveSystems(c, s, SystemUse.DefaultAll, "check");
                if (q is null) foreach (var x in systems) steps.Add(new SystemStatusArgs(x));
                return q;
            case Intent.Diagnostics:
                (systems, q) = ResolveSystems(c, s, SystemUse.DefaultAll, "check");
                if (q is null) foreach (var x in systems) steps.Add(new SystemDiagnosticsArgs(x));
                return q;
            case Intent.Logs:
                (systems, q) = ResolveSystems(c, s, SystemUse.One, "read the logs of");
                if (q is not null) return q;
                var (lines, grep, since, lq) = ReadLogOptions(c, _systemWords);
                if (lq is not null) return lq;
                foreach (var x in systems) steps.Add(new SystemLogsArgs(x, lines, grep, since));
                return null;
            case Intent.Start or Intent.Stop or Intent.Restart:
                var verb = c.Intent switch { Intent.Start => "start", Intent.Stop => "stop", _ => "restart" };
                (systems, q) = ResolveSystems(c, s, SystemUse.Gated, verb);
                if (q is not null) return q;
                if (c.Has("or")) return $"Please name exactly which system to {verb}: {JoinList(systems, "or")}?";
                foreach (var x in systems)
                    steps.Add(c.Intent switch
                    {
                        Intent.Start => new SystemStartArgs(x),
                        Intent.Stop => new SystemStopArgs(x),
                        _ => new SystemRestartArgs(x),
                    });
                return null;
            case Intent.Exec:
                return BuildExec(c, s, steps);
            case Intent.Resume:
                steps.Add(new TradingResumeArgs());
                return null;
            case Intent.Order:
                return BuildOrder(c, s, steps);
            case Intent.Close:
                return BuildClose(c, s, steps);
            case Intent.Cancel:
                return BuildCancel(c, s, steps);
            case Intent.OrderList:
                foreach (var x in OptionalSymbols(c, s)) steps.Add(new OrderListArgs(x));
                return null;
            case Intent.Positions:
                foreach (var x in OptionalSymbols(c, s)) steps.Add(new PortfolioPositionsArgs(x));
                return null;
            case Intent.Balance:
                steps.Add(new PortfolioBalanceArgs());
                return null;
            case Intent.Pnl:
                (systems, q) = ResolveSystems(c, s, SystemUse.Optional, "report on");
                if (q is not null) return q;
                var period = PeriodOf(c);
                if (systems.Count == 0) steps.Add(new PortfolioPnlArgs(period));
                foreach (var x in systems) steps.Add(new PortfolioPnlArgs(period, x == "all" ? null : x));
                return null;
            case Intent.Trades:
                return BuildTrades(c, s, steps);
            case Intent.Price:
                var symbols = c.Symbols.Count > 0 ? c.Symbols : ReferredSymbols(c, s, implicitOk: true);
                if (symbols.Count == 0)
                    return UnknownCoin(c) is { } coin
                        ? $"I don't know the coin \"{coin}\". Use its ticker or exchange symbol (e.g. BTC or BTCUSDT)."
                        : "Which coin's price? (e.g. BTC, ETH or SOLUSDT)";
                foreach (var x in symbols) steps.Add(new MarketPriceArgs(x));
                return null;
            case Intent.ReportSend:
                steps.Add(new ReportSendArgs(ReportKindOf(c) ?? ReportKind.Daily));
                return null;
            case Intent.ReportSchedule:
                var cron = CronBuilder.Build(c, out var cq);
                if (cron is null) return cq;
                steps.Add(new ReportScheduleArgs(ReportKindOf(c) ?? ReportKind.Daily, cron));
                return null;
            case Intent.ReportList:
                steps.Add(new ReportListArgs());
                return null;
            case Intent.ReportCancel:
                if (ReportKindOf(c) is not { } kind) return "Which scheduled report should I remove: daily, sitrep or pnl?";
                steps.Add(new ReportCancelArgs(kind));
                return null;
            case Intent.Help:
                steps.Add(new HelpArgs());
                return null;
            default:
                return "I'm not sure what you want me to do. Try /help.";
        }
    }

    private (List<string> Systems, string? Question) ResolveSystems(Clause c, ResolveState s, SystemUse use, string verb)
    {
        if (c.Systems.Count > 0) return (c.Systems, null);
        if (c.Pronoun is not null && (c.Symbols.Count == 0 || use != SystemUse.Optional))
        {
            if (use == SystemUse.Optional && s.LastSystems.Count == 0 && (s.LastSymbols.Count > 0 || s.Context.LastSystem is null))
                return ([], null);
            if (c.PluralPronoun)
                return s.LastSystems.Count > 0
                    ? (s.LastSystems, null)
                    : ([], $"Which systems do you mean by \"{c.Pronoun}\"? ({_systemChoices})");
            if (s.LastSystems.Count == 1) return ([s.LastSystems[0]], null);
            if (s.LastSystems.Count > 1) return ([], $"Which system do you mean by \"{c.Pronoun}\": {JoinList(s.LastSystems, "or")}?");
            if (s.Context.LastSystem is { } last && _systems.Canonical(last) is { } canonical && canonical != "all") return ([canonical], null);
            return ([], $"Which system do you mean by \"{c.Pronoun}\"? ({_systemChoices})");
        }
        if (UnknownName(c) is { } unknown)
            return ([], $"I don't know a system called \"{unknown}\". Known systems: {_systemNames}.");
        if (c.AllWord && !c.Has("time") || c.Has("fleet"))
            return use is SystemUse.One or SystemUse.OneStrict
                ? ([], $"That works on one system at a time. Which one? ({string.Join(", ", _systems.Systems.Select(x => x.Name))})")
                : (["all"], null);
        switch (use)
        {
            case SystemUse.DefaultAll:
                return (s.LastSystems.Count > 0 ? s.LastSystems : ["all"], null);
            case SystemUse.Optional:
                return ([], null);
            case SystemUse.One:
                if (s.LastSystems.Count > 0) return (s.LastSystems, null);
                if (s.Context.LastSystem is { } ctx && _systems.Canonical(ctx) is { } canon && canon != "all") return ([canon], null);
                return ([], $"Which system's logs? ({string.Join(", ", _systems.Systems.Select(x => x.Name))})");
            case SystemUse.OneStrict:
                if (s.LastSystems.Count == 1) return (s.LastSystems, null);
                return ([], $"Which system should I {verb}? ({string.Join(", ", _systems.Systems.Select(x => x.Name))})");
            default:
                return ([], $"Which system should I {verb}? ({_systemChoices})");
        }
    }

    /// <summary>An unknown word in a position where a system name would be ("stop delta", "logs of delta", "the delta bot").</summary>
    private static string? UnknownName(Clause c)
    {
        if (c.Unknown.Count == 0) return null;
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (!t.IsWord || !c.Unknown.Contains(t.Text)) continue;
            var prev = c.WordAt(i - 1);
            var next = c.WordAt(i + 1);
            if (i - 1 == c.Head || prev is "of" or "on" or "for" or "from" or "in" or "the" or "to" or "at"
                || Lexicon.SystemFillers.Contains(next) || next is "logs" or "log" or "status")
                return t.Text;
        }
        return null;
    }

    private static string? UnknownCoin(Clause c) => UnknownName(c) ?? (c.Unknown.Count == 1 ? c.Unknown[0] : null);

    /// <summary>Symbols a pronoun (or, for read-only steps, nothing at all) refers to.</summary>
    private static List<string> ReferredSymbols(Clause c, ResolveState s, bool implicitOk)
    {
        if (c.Pronoun is null && !implicitOk) return [];
        if (s.LastSymbols.Count > 0) return c.PluralPronoun || s.LastSymbols.Count == 1 ? s.LastSymbols : [];
        return s.Context.LastSymbol is { } last && Market.SymbolResolver.Resolve(last) is { } symbol ? [symbol] : [];
    }

    private static List<string?> OptionalSymbols(Clause c, ResolveState s)
    {
        if (c.Symbols.Count > 0) return [.. c.Symbols];
        if (c.Pronoun is not null && ReferredSymbols(c, s, implicitOk: false) is { Count: > 0 } referred) return [.. referred];
        return [null];
    }

    private string? BuildExec(Clause c, ResolveState s, List<PlanStep> steps)
    {
        var (systems, q) = ResolveSystems(c, s, SystemUse.OneStrict, "run that on");
        if (q is not null) return q;
        foreach (var name in systems)
        {
            var system = _systems.Get(name);
            if (system is null) return $"I don't know a system called \"{name}\". Known systems: {_systemNames}.";
            var allowed = system.Commands.Keys.ToList();
            string? command = null;
            foreach (var t in c.Tokens)
                if (t.IsWord && allowed.FirstOrDefault(k => string.Equals(k, t.Text, StringComparison.OrdinalIgnoreCase)) is { } match)
                {
                    command = match;
                    break;
                }
            if (command is null)
                return allowed.Count == 0
                    ? $"{name} has no allowlisted commands to run."
                    : $"Which command should I run on {name}? Allowed: {string.Join(", ", allowed)}.";
            steps.Add(new SystemExecArgs(name, command));
        }
        return null;
    }

    private static string? BuildClose(Clause c, ResolveState s, List<PlanStep> steps)
    {
        var (percent, pq) = ClosePercent(c);
        if (pq is not null) return pq;
        List<string> targets;
        if (c.Symbols.Count > 0) targets = c.Symbols;
        else if (c.AllWord || c.Has("positions")) targets = ["all"];
        else if (c.WordAt(c.Head) == "flatten" && c.Pronoun is null && c.Unknown.Count == 0 && !c.Has("position")) targets = ["all"];
        else if (c.Pronoun is not null && ReferredSymbols(c, s, implicitOk: false) is { Count: > 0 } referred) targets = referred;
        else if (UnknownCoin(c) is { } coin) return $"I don't know the coin \"{coin}\". Which position should I close? (e.g. BTC, or \"all\")";
        else return "Which position should I close? Name the coin (e.g. BTC or ETHUSDT) or say \"all\".";
        foreach (var x in targets) steps.Add(new PositionCloseArgs(x, percent));
        return null;
    }

    private static (decimal Percent, string? Question) ClosePercent(Clause c)
    {
        decimal? percent = null;
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (t.IsNumber)
            {
                var next = c.WordAt(i + 1);
                if (t.Has(NumberFlags.Percent)) percent = t.Value;
                else if (next is "third" or "thirds") { percent = Math.Round(t.Value * 100m / 3m, 2); i++; }
                else if (next is "quarter" or "quarters") { percent = t.Value * 25m; i++; }
                else if (next is "half" or "halves") { percent = t.Value * 50m; i++; }
                else return (0, "How much of the position should I close? Say a percent (e.g. \"close 50% of BTC\") or \"all\".");
                continue;
            }
            switch (c.WordAt(i))
            {
                case "half": percent ??= 50m; break;
                case "third": percent ??= 33.33m; break;
                case "quarter": percent ??= 25m; break;
            }
        }
        return (percent ?? 100m, null);
    }

    private static string? BuildCancel(Clause c, ResolveState s, List<PlanStep> steps)
    {
        string? orderId = null;
        for (var i = 0; i < c.Tokens.Count - 1; i++)
            if (c.WordAt(i) is "order" or "id" && c.Tokens[i + 1] is var n && (n.IsNumber || (n.IsWord && n.Text.Any(char.IsAsciiDigit))))
                orderId = n.IsNumber ? n.Text.Replace(",", "") : n.Text;
        if (c.Symbols.Count > 0)
        {
            foreach (var x in c.Symbols) steps.Add(new OrderCancelArgs(x, c.Symbols.Count == 1 ? orderId : null));
            return null;
        }
        if (orderId is not null)
        {
            steps.Add(new OrderCancelArgs(null, orderId));
            return null;
        }
        if (c.Pronoun is not null && !c.AllWord)
        {
            var referred = ReferredSymbols(c, s, implicitOk: false);
            if (referred.Count == 0 || c.Has("order")) return "Which orders should I cancel? Give a coin (e.g. \"cancel my BTC orders\"), an order id, or say \"all orders\".";
            foreach (var x in referred) steps.Add(new OrderCancelArgs(x));
            return null;
        }
        if (c.Has("order") && !c.Has("orders") && !c.AllWord)
            return "Which order should I cancel? Give the order id or a coin, or say \"cancel all orders\".";
        if (UnknownCoin(c) is { } coin) return $"I don't know the coin \"{coin}\". Which orders should I cancel? (e.g. \"cancel my BTC orders\" or \"cancel all orders\")";
        steps.Add(new OrderCancelArgs());
        return null;
    }

    private string? BuildTrades(Clause c, ResolveState s, List<PlanStep> steps)
    {
        var limit = 10;
        var found = false;
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (!t.IsNumber || t.Flags is not (NumberFlags.None or NumberFlags.Spelled)) continue;
            if (c.WordAt(i + 1) is "days" or "day" or "hours" or "hour" or "weeks" or "week" or "minutes") continue;
            if (t.Value != decimal.Truncate(t.Value) || t.Value < 1 || t.Value > 100_000) return "How many trades should I show? Give a whole number, e.g. \"last 20 trades\".";
            limit = (int)t.Value;
            found = true;
            break;
        }
        if (!found && c.HasAny(VagueCounts)) return "How many trades should I show? Give a number, e.g. \"last 5 trades\".";
        if (!found && c.HasAny("trade", "fill", "execution") && !c.HasAny("trades", "fills", "executions") && c.HasAny("last", "latest", "recent")) limit = 1;
        var symbol = c.Symbols.FirstOrDefault();
        var system = c.Systems.FirstOrDefault();
        if (symbol is null && system is null && c.Pronoun is not null)
        {
            if (s.LastSymbols.Count > 0) symbol = s.LastSymbols[0];
            else if (s.LastSystems.Count > 0) system = s.LastSystems[0];
        }
        if (system is null && symbol is null && UnknownName(c) is { } unknown)
            return $"I don't know a system or coin called \"{unknown}\". Known systems: {_systemNames}.";
        steps.Add(new PortfolioTradesArgs(symbol, system, limit));
        return null;
    }

    private static PnlPeriod PeriodOf(Clause c)
    {
        var period = PnlPeriod.Today;
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (t.IsNumber && c.WordAt(i + 1) is "days" or "day")
            {
                period = t.Value <= 1 ? PnlPeriod.Today : t.Value <= 7 ? PnlPeriod.Week : t.Value <= 31 ? PnlPeriod.Month : PnlPeriod.All;
                continue;
            }
            switch (c.WordAt(i))
            {
                case "yesterday": period = PnlPeriod.Yesterday; break;
                case "week" or "weekly" or "weeks" or "wtd": period = PnlPeriod.Week; break;
                case "month" or "monthly" or "months" or "mtd": period = PnlPeriod.Month; break;
                case "alltime" or "ever" or "lifetime" or "overall" or "total" or "inception" or "year" or "years" or "ytd" or "cumulative": return PnlPeriod.All;
                case "today" or "daily": period = PnlPeriod.Today; break;
            }
        }
        return period;
    }

    private static (int Lines, string? Grep, string? Since, string? Question) ReadLogOptions(Clause c, IReadOnlyDictionary<string, string> systemWords)
    {
        int? lines = null;
        string? grep = null, since = null;
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            switch (t.Kind)
            {
                case TokenKind.Quoted when t.Text.Length > 0:
                    grep = t.Text;
                    continue;
                case TokenKind.Number:
                {
                    var next = c.WordAt(i + 1);
                    var unit = next switch
                    {
                        "minutes" or "minute" or "m" => "m",
                        "hours" or "hour" or "h" => "h",
                        "seconds" or "second" or "s" => "s",
                        "days" or "day" or "d" => "d",
                        "weeks" or "week" or "w" => "w",
                        _ => t.Has(NumberFlags.Million) ? "m" : null,
                    };
                    var amount = t.Has(NumberFlags.Million) ? t.Raw : t.Value;
                    if (unit is not null)
                    {
                        if (unit == "w") { amount *= 7; unit = "d"; }
                        if (amount != decimal.Truncate(amount))
                        {
                            (amount, unit) = unit switch { "h" => (amount * 60, "m"), "d" => (amount * 24, "h"), "m" => (amount * 60, "s"), _ => (amount, unit) };
                            if (amount != decimal.Truncate(amount)) return (0, null, null, "Please give the time window in whole units, e.g. \"last 90 minutes\".");
                        }
                        if (amount <= 0 || amount > 1_000_000) return (0, null, null, "Please give a sensible time window, e.g. \"last 10 minutes\".");
                        since = $"{(long)amount}{unit}";
                        continue;
                    }
                    if (t.Flags is not (NumberFlags.None or NumberFlags.Spelled or NumberFlags.Thousands or (NumberFlags.Spelled | NumberFlags.Thousands)))
                        return (0, null, null, "How many log lines should I show? Give a whole number, e.g. \"last 100 lines\".");
                    if (t.Value != decimal.Truncate(t.Value) || t.Value < 1 || t.Value > int.MaxValue)
                        return (0, null, null, "How many log lines should I show? Give a whole number, e.g. \"last 100 lines\".");
                    lines ??= (int)t.Value;
                    continue;
                }
                case TokenKind.Word:
                    break;
                default:
                    continue;
            }
            var w = t.Text;
            var prev = c.WordAt(i - 1);
            switch (w)
            {
                case "hour" or "minute" or "day" or "week" when prev is "last" or "past" or "previous" or "the" && since is null:
                    since = w switch { "hour" => "1h", "minute" => "1m", "day" => "1d", _ => "7d" };
                    break;
                case "errors" or "error" or "err": grep ??= "error"; break;
                case "warnings" or "warning" or "warn": grep ??= "warning"; break;
                case "exceptions" or "exception": grep ??= "exception"; break;
                case "timeouts" or "timeout": grep ??= "timeout"; break;
                case "fatal" or "critical" or "panic": grep ??= w; break;
                case "tracebacks" or "traceback": grep ??= "traceback"; break;
                case "grep" or "containing" or "matching" or "mentioning" or "filter" or "filtered" or "contain" or "contains" or "mention" or "mentions":
                    var k = i + 1;
                    while (k < c.Tokens.Count && c.Tokens[k].IsWord && (c.Tokens[k].Text is "for" or "by" or "on" or "the" or "word" or "text" or "with" or "of" or "in"
                               || systemWords.ContainsKey(c.Tokens[k].Text) || Lexicon.LogNouns.Contains(c.Tokens[k].Text) || Lexicon.SystemFillers.Contains(c.Tokens[k].Text))) k++;
                    if (k < c.Tokens.Count && c.Tokens[k].Kind is TokenKind.Word or TokenKind.Number or TokenKind.Quoted)
                    {
                        grep = c.Tokens[k].Kind == TokenKind.Number ? c.Tokens[k].Text : c.Tokens[k].Text;
                        i = k;
                    }
                    break;
            }
        }
        if (lines is null && c.HasAny(VagueCounts))
            return (0, null, null, "How many log lines should I show? Give a number, e.g. \"last 20 lines\".");
        return (lines ?? 50, grep, since, null);
    }
}
