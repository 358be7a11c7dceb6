using System.Collections.Frozen;
using System.Globalization;
using AiTradingBot.Core.Catalog;
using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;

namespace AiTradingBot.Core.Language;

/// <summary>
/// Parses Telegram-style slash commands (<c>/sitrep bravo</c>, <c>/buy 0.1 BTCUSDT 45000</c>, <c>/intel@MyBot alpha 200</c>)
/// into plans. Wrong arguments get the usage line (generated from the catalog); an unknown command gets the closest match.
/// </summary>
public sealed partial class SlashCommandParser
{
    /// <summary>Commands that are not a catalog action's own slash name.</summary>
    private static readonly FrozenDictionary<string, string> ExtraUsage = new Dictionary<string, string>
    {
        ["cc"] = "/cc",
        ["start"] = "/start",
        ["sell"] = "/sell <qty> <symbol> [price]",
        ["killswitch"] = "/killswitch [close] [CONFIRM]",
    }.ToFrozenDictionary();

    /// <summary>The reason given when the parser itself failed (tests assert it never happens).</summary>
    internal const string InternalErrorReason = "I couldn't read that command. Send /help for the list.";

    private readonly SystemRegistry _systems;
    private readonly FrozenDictionary<string, string> _usage;

    /// <summary>A parser over the configured systems.</summary>
    public SlashCommandParser(SystemRegistry systems)
    {
        ArgumentNullException.ThrowIfNull(systems);
        _systems = systems;
        var usage = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in ActionCatalog.All)
            if (d.Slash is { } slash)
                usage[slash] = d.SlashUsage is { Length: > 0 } u ? $"/{slash} {u}" : $"/{slash}";
        foreach (var (name, line) in ExtraUsage) usage[name] = line;
        _usage = usage.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every command this parser understands (without the slash).</summary>
    public IReadOnlyCollection<string> Commands => _usage.Keys;

    /// <summary>The usage line of a command, e.g. <c>/intel &lt;system&gt; [lines]</c>.</summary>
    public string Usage(string command) => _usage.TryGetValue(command, out var u) ? u : "/" + command;

    /// <summary>Whether the text is a slash command (a slash followed by a letter).</summary>
    public static bool IsSlashCommand(string? text)
    {
        if (text is null) return false;
        var t = text.AsSpan().TrimStart();
        return t.Length >= 2 && t[0] == '/' && char.IsAsciiLetter(t[1]);
    }

    /// <summary>The plan for a slash command. Never throws.</summary>
    public Plan Parse(string text, ConversationContext? context = null)
    {
        var input = text ?? "";
        try
        {
            return ParseCore(input);
        }
#pragma warning disable CA1031 // A parser bug must never take the chat down.
        catch (Exception)
#pragma warning restore CA1031
        {
            return Plan.Nothing(input, InternalErrorReason);
        }
    }

    private Plan ParseCore(string input)
    {
        if (!IsSlashCommand(input)) return Plan.Nothing(input, "That is not a slash command.");
        if (input.Length > OfflineParser.MaxLength) return Plan.Nothing(input, "That command is too long.");
        var parts = input.Trim().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var name = parts[0][1..];
        var at = name.IndexOf('@');
        if (at >= 0) name = name[..at];
        name = name.ToLowerInvariant();
        var args = parts.AsSpan(1);

        Plan Ok(ActionArgs a) => Plan.Of(input, new PlanStep(a));
        Plan Bad(string? detail = null) => Plan.Clarification(input, (detail is null ? "" : detail + " ") + $"Usage: {Usage(name)}");

        switch (name)
        {
            case "cc" or "start" or "help" or "menu" or "commands":
                return Ok(new HelpArgs());
            case "web" or "dashboard":
                return args.Length == 0 ? Ok(new DashboardLinkArgs()) : Bad();
            case "sitrep" or "status":
                if (args.Length > 1) return Bad();
                if (args.Length == 0) return Ok(new SystemStatusArgs());
                return System(args[0], allowAll: true, out var s1, out var e1) ? Ok(new SystemStatusArgs(s1)) : Bad(e1);
            case "diagnostics" or "diag":
                if (args.Length > 1) return Bad();
                if (args.Length == 0) return Ok(new SystemDiagnosticsArgs());
                return System(args[0], allowAll: true, out var s2, out var e2) ? Ok(new SystemDiagnosticsArgs(s2)) : Bad(e2);
            case "deploy" or "terminate" or "reboot":
                if (args.Length != 1) return Bad(args.Length == 0 ? "Which system?" : null);
                if (!System(args[0], allowAll: true, out var s3, out var e3)) return Bad(e3);
                return Ok(name switch
                {
                    "deploy" => new SystemStartArgs(s3),
                    "terminate" => new SystemStopArgs(s3),
                    _ => new SystemRestartArgs(s3),
                });
            case "intel" or "logs":
            {
                if (args.Length is < 1 or > 2) return Bad(args.Length == 0 ? "Which system?" : null);
                if (!System(args[0], allowAll: false, out var s4, out var e4)) return Bad(e4);
                var lines = 50;
                if (args.Length == 2 && (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out lines) || lines < 1))
                    return Bad("Lines must be a whole number.");
                return Ok(new SystemLogsArgs(s4, lines));
            }
            case "execute" or "exec":
            {
                if (args.Length != 2) return Bad();
                if (!System(args[0], allowAll: false, out var s5, out var e5)) return Bad(e5);
                var def = _systems.Get(s5)!;
                var wanted = args[1];
                var command = def.Commands.Keys.FirstOrDefault(k => string.Equals(k, wanted, StringComparison.OrdinalIgnoreCase));
                if (command is null)
                    return Bad(def.Commands.Count == 0
                        ? $"{s5} has no allowlisted commands."
                        : $"\"{args[1]}\" is not an allowlisted command of {s5} (allowed: {string.Join(", ", def.Commands.Keys)}).");
                return Ok(new SystemExecArgs(s5, command));
            }
            case "killswitch":
            {
                var close = false;
                foreach (var a in args)
                {
                    if (a.Equals("close", StringComparison.OrdinalIgnoreCase)) close = true;
                    else if (!a.Equals("confirm", StringComparison.OrdinalIgnoreCase)) return Bad();
                }
                return Ok(new SystemKillswitchArgs(close));
            }
            case "resume":
                return args.Length == 0 ? Ok(new TradingResumeArgs()) : Bad();
            case "launch":
            {
                if (args.Length is < 2 or > 3) return Bad(args.Length == 0 ? "Which template and name?" : null);
                string? symbol = null;
                if (args.Length == 3 && (symbol = SymbolResolver.Resolve(args[2])) is null) return Bad($"\"{args[2]}\" is not a symbol I know.");
                return Ok(new SystemLaunchArgs(args[0].ToLowerInvariant(), args[1].ToLowerInvariant(), symbol));
            }
            case "remove":
                return args.Length == 1 ? Ok(new SystemRemoveArgs(args[0])) : Bad(args.Length == 0 ? "Which launched bot?" : null);
            case "buy" or "sell":
                return Order(input, name == "buy" ? OrderSide.Buy : OrderSide.Sell, args, Bad);
            case "close":
            {
                if (args.Length is < 1 or > 2) return Bad(args.Length == 0 ? "Which position?" : null);
                var symbol = args[0].Equals("all", StringComparison.OrdinalIgnoreCase) ? "all" : SymbolResolver.Resolve(args[0]);
                if (symbol is null) return Bad($"\"{args[0]}\" is not a symbol I know.");
                var percent = 100m;
                if (args.Length == 2 && (!Number(args[1].TrimEnd('%'), out percent, out var dollar) || dollar || percent <= 0 || percent > 100))
                    return Bad("Percent must be a number from 1 to 100.");
                return Ok(new PositionCloseArgs(symbol, percent));
            }
            case "cancel":
                if (args.Length > 1) return Bad();
                if (args.Length == 0 || args[0].Equals("all", StringComparison.OrdinalIgnoreCase)) return Ok(new OrderCancelArgs());
                return SymbolResolver.Resolve(args[0]) is { } cs ? Ok(new OrderCancelArgs(cs)) : Bad($"\"{args[0]}\" is not a symbol I know.");
            case "orders" or "positions":
            {
                if (args.Length > 1) return Bad();
                string? symbol = null;
                if (args.Length == 1 && !args[0].Equals("all", StringComparison.OrdinalIgnoreCase))
                {
                    symbol = SymbolResolver.Resolve(args[0]);
                    if (symbol is null) return Bad($"\"{args[0]}\" is not a symbol I know.");
                }
                return Ok(name == "orders" ? new OrderListArgs(symbol) : new PortfolioPositionsArgs(symbol));
            }
            case "balance":
                return args.Length == 0 ? Ok(new PortfolioBalanceArgs()) : Bad();
            case "pnl":
            {
                if (args.Length > 1) return Bad();
                if (args.Length == 0) return Ok(new PortfolioPnlArgs());
                PnlPeriod? period = args[0].ToLowerInvariant() switch
                {
                    "today" or "day" => PnlPeriod.Today,
                    "yesterday" => PnlPeriod.Yesterday,
                    "week" or "7d" => PnlPeriod.Week,
                    "month" or "30d" => PnlPeriod.Month,
                    "all" or "alltime" or "all-time" => PnlPeriod.All,
                    _ => null,
                };
                return period is { } p ? Ok(new PortfolioPnlArgs(p)) : Bad();
            }
            case "chart":
                return Chart(input, args, Bad);
            case "trades":
            {
                if (args.Length > 1) return Bad();
                var n = 10;
                if (args.Length == 1 && (!int.TryParse(args[0], NumberStyles.None, CultureInfo.InvariantCulture, out n) || n < 1))
                    return Bad("n must be a whole number.");
                return Ok(new PortfolioTradesArgs(Limit: n));
            }
            case "price":
                if (args.Length != 1) return Bad(args.Length == 0 ? "Which symbol?" : null);
                return SymbolResolver.Resolve(args[0]) is { } ps ? Ok(new MarketPriceArgs(ps)) : Bad($"\"{args[0]}\" is not a symbol I know.");
            case "report":
                if (args.Length > 1) return Bad();
                if (args.Length == 0) return Ok(new ReportSendArgs());
                return Kind(args[0]) is { } k1 ? Ok(new ReportSendArgs(k1)) : Bad();
            case "schedule":
            {
                if (args.Length != 6 || Kind(args[0]) is not { } k2) return Bad("Give a report kind and a 5-field cron, e.g. /schedule daily 0 8 * * *.");
                foreach (var field in args[1..])
                    if (!field.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '*' or '/' or ',' or '-'))
                        return Bad($"\"{field}\" is not a cron field.");
                return Ok(new ReportScheduleArgs(k2, string.Join(' ', args[1..].ToArray())));
            }
            case "reports":
                return args.Length == 0 ? Ok(new ReportListArgs()) : Bad();
            case "unschedule":
                if (args.Length != 1 || Kind(args[0]) is not { } k3) return Bad();
                return Ok(new ReportCancelArgs(k3));
        }

        var best = _usage.Keys.Select(k => (Name: k, Distance: EditDistance.Between(name, k)))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).FirstOrDefault();
        var shown = name.Length > 32 ? name[..32] + "…" : name;
        return best.Name is not null && best.Distance <= Math.Max(1, Math.Min(2, best.Name.Length / 3 + 1))
            ? Plan.Clarification(input, $"Unknown command /{shown}. Did you mean /{best.Name}?")
            : Plan.Clarification(input, $"Unknown command /{shown}. Send /help for the list of commands.");
    }

    private Plan Order(string input, OrderSide side, ReadOnlySpan<string> args, Func<string?, Plan> bad)
    {
        if (args.Length is < 2 or > 3) return bad(null);
        var amount = args[0];
        var symbolText = args[1];
        // Be lenient about "/buy BTCUSDT 0.1": a symbol first and a number second.
        if (SymbolResolver.Resolve(amount) is not null && SymbolResolver.Resolve(symbolText) is null) (amount, symbolText) = (symbolText, amount);
        var symbol = SymbolResolver.Resolve(symbolText);
        if (symbol is null) return bad($"\"{symbolText}\" is not a symbol I know.");
        var usdt = amount.EndsWith("usdt", StringComparison.OrdinalIgnoreCase);
        if (usdt) amount = amount[..^4];
        if (!Number(amount, out var value, out var dollar) || value <= 0) return bad($"\"{args[0]}\" is not a quantity.");
        decimal? price = null;
        if (args.Length == 3)
        {
            if (!Number(args[2], out var p, out _) || p <= 0) return bad($"\"{args[2]}\" is not a price.");
            price = p;
        }
        var notional = dollar || usdt;
        return Plan.Of(input, new PlanStep(new OrderPlaceArgs(symbol, side, price is null ? OrderType.Market : OrderType.Limit,
            Qty: notional ? null : value, Notional: notional ? value : null, Price: price)));
    }

    private bool System(string text, bool allowAll, out string system, out string? error)
    {
        system = "";
        error = null;
        var canonical = _systems.Canonical(text);
        if (canonical is null)
        {
            error = $"Unknown system \"{text}\". Known systems: {string.Join(", ", _systems.Systems.Select(s => s.Name))}.";
            return false;
        }
        if (canonical == SystemRegistry.All && !allowAll)
        {
            error = "That works on one system at a time.";
            return false;
        }
        system = canonical;
        return true;
    }

    private static ReportKind? Kind(string text) => text.ToLowerInvariant() switch
    {
        "daily" => ReportKind.Daily,
        "sitrep" or "status" => ReportKind.Sitrep,
        "pnl" => ReportKind.Pnl,
        _ => null,
    };

    /// <summary>Reads 0.1, .5, 45k, $500, 45,000 and 1.5m; <paramref name="dollar"/> when written with a currency marker.</summary>
    private static bool Number(string text, out decimal value, out bool dollar)
    {
        value = 0;
        var t = text.Trim();
        dollar = t.StartsWith('$') || t.EndsWith('$');
        t = t.Trim('$').Replace(",", "", StringComparison.Ordinal);
        var scale = 1m;
        if (t.EndsWith('k') || t.EndsWith('K')) { scale = 1000m; t = t[..^1]; }
        else if (t.EndsWith('m') || t.EndsWith('M')) { scale = 1_000_000m; t = t[..^1]; }
        if (!decimal.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v)) return false;
        try { value = v * scale; }
        catch (OverflowException) { return false; }
        return true;
    }
}
