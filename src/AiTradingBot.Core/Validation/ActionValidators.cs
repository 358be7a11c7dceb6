using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Reports;
using AiTradingBot.Core.Systems;
using FluentValidation;

namespace AiTradingBot.Core.Validation;

/// <summary>Shared rules for the per-action validators.</summary>
internal static class Rules
{
    public const string MarketKey = "market";

    public static MarketSnapshot Market<T>(ValidationContext<T> ctx) =>
        ctx.RootContextData.TryGetValue(MarketKey, out var m) && m is MarketSnapshot s ? s : MarketSnapshot.Empty;

    public static IRuleBuilderOptions<T, string> KnownSystem<T>(this IRuleBuilder<T, string> rule, SystemRegistry systems, bool allowAll) =>
        rule.Must(s => s is not null && (systems.Find(s) is not null || (allowAll && s == SystemRegistry.All)))
            .WithMessage((_, s) => $"Unknown system '{s}'. Known: {string.Join(", ", systems.Systems.Select(x => x.Name))}" + (allowAll ? ", or all." : "."));

    public static IRuleBuilderOptions<T, string?> WellFormedSymbol<T>(this IRuleBuilder<T, string?> rule, bool allowAll = false) =>
        rule.Must(s => s is null || (allowAll && s == "all") || SymbolResolver.IsWellFormed(s))
            .WithMessage((_, s) => $"'{s}' is not an exchange symbol; use a pair like BTCUSDT.");
}

/// <summary>system.status</summary>
public sealed class SystemStatusValidator : AbstractValidator<SystemStatusArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemStatusValidator(SystemRegistry systems) => RuleFor(a => a.System).KnownSystem(systems, allowAll: true);
}

/// <summary>system.diagnostics</summary>
public sealed class SystemDiagnosticsValidator : AbstractValidator<SystemDiagnosticsArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemDiagnosticsValidator(SystemRegistry systems) => RuleFor(a => a.System).KnownSystem(systems, allowAll: true);
}

/// <summary>system.logs</summary>
public sealed class SystemLogsValidator : AbstractValidator<SystemLogsArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemLogsValidator(SystemRegistry systems)
    {
        RuleFor(a => a.System).KnownSystem(systems, allowAll: false);
        RuleFor(a => a.Lines).InclusiveBetween(1, 2000).WithMessage(a => $"lines must be between 1 and 2000 (got {a.Lines}).");
        RuleFor(a => a.Grep).MaximumLength(200).WithMessage("The filter text is longer than 200 characters.");
        RuleFor(a => a.Since).Must(s => s is null || Durations.TryParse(s, out _))
            .WithMessage(a => $"since must be an age like 10m, 2h or 1d (got '{a.Since}').");
    }
}

/// <summary>system.start</summary>
public sealed class SystemStartValidator : AbstractValidator<SystemStartArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemStartValidator(SystemRegistry systems) => RuleFor(a => a.System).KnownSystem(systems, allowAll: true);
}

/// <summary>system.stop</summary>
public sealed class SystemStopValidator : AbstractValidator<SystemStopArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemStopValidator(SystemRegistry systems) => RuleFor(a => a.System).KnownSystem(systems, allowAll: true);
}

/// <summary>system.restart</summary>
public sealed class SystemRestartValidator : AbstractValidator<SystemRestartArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemRestartValidator(SystemRegistry systems) => RuleFor(a => a.System).KnownSystem(systems, allowAll: true);
}

/// <summary>system.exec: only commands from the system's allowlist.</summary>
public sealed class SystemExecValidator : AbstractValidator<SystemExecArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemExecValidator(SystemRegistry systems)
    {
        RuleFor(a => a.System).KnownSystem(systems, allowAll: false);
        RuleFor(a => a.Command).Must((a, c) => systems.Find(a.System) is not { } s || s.Commands.ContainsKey(c ?? ""))
            .WithMessage(a => systems.Find(a.System) is { } s
                ? (s.Commands.Count == 0
                    ? $"{s.Name} has no allowlisted commands (configure Systems:{s.Name}:Commands)."
                    : $"'{a.Command}' is not an allowlisted command of {s.Name}. Allowed: {string.Join(", ", s.Commands.Keys.Order())}.")
                : "Unknown system.");
    }
}

/// <summary>order.place: shape, sizes, prices, trigger direction against the last price, TP/SL sides, leverage.</summary>
public sealed class OrderPlaceValidator : AbstractValidator<OrderPlaceArgs>
{
    /// <summary>Creates the validator.</summary>
    public OrderPlaceValidator(RiskOptions risk)
    {
        RuleFor(a => a.Symbol).NotEmpty().Must(SymbolResolver.IsWellFormed).WithMessage(a => $"'{a.Symbol}' is not an exchange symbol; use a pair like BTCUSDT.");
        RuleFor(a => a).Must(a => (a.Qty is null) != (a.Notional is null))
            .WithMessage("Give exactly one of a quantity (e.g. 0.1 BTC) or an amount in USDT (e.g. $500 of BTC).");
        RuleFor(a => a.Qty).GreaterThan(0).When(a => a.Qty is not null).WithMessage("The quantity must be positive.");
        RuleFor(a => a.Notional).GreaterThan(0).When(a => a.Notional is not null).WithMessage("The amount must be positive.");
        RuleFor(a => a.Price).NotNull().When(a => a.Type == OrderType.Limit).WithMessage("A limit order needs a price (e.g. buy 0.1 BTC at 45000).");
        RuleFor(a => a.Price).Null().When(a => a.Type == OrderType.Market).WithMessage("A market order takes no price; give a price for a limit order.");
        RuleFor(a => a.Price).GreaterThan(0).When(a => a.Price is not null).WithMessage("The price must be positive.");
        RuleFor(a => a.TakeProfit).GreaterThan(0).When(a => a.TakeProfit is not null).WithMessage("The take-profit price must be positive.");
        RuleFor(a => a.StopLoss).GreaterThan(0).When(a => a.StopLoss is not null).WithMessage("The stop-loss price must be positive.");
        RuleFor(a => a.Leverage).InclusiveBetween(1, risk.MaxLeverage).When(a => a.Leverage is not null)
            .WithMessage(a => $"Leverage must be between 1 and {risk.MaxLeverage}x (got {a.Leverage}x).");
        RuleFor(a => a.Leverage).Null().When(a => a.Category == OrderCategory.Spot).WithMessage("Spot orders take no leverage.");
        RuleFor(a => a.ReduceOnly).Equal(false).When(a => a.Category == OrderCategory.Spot).WithMessage("Spot orders cannot be reduce-only.");
        RuleFor(a => a.Trigger!.Price).GreaterThan(0).When(a => a.Trigger is not null).WithMessage("The trigger price must be positive.");
        RuleFor(a => a).Custom((a, ctx) =>
        {
            var market = Rules.Market(ctx);
            if (market.Errors.TryGetValue(a.Symbol, out var error)) { ctx.AddFailure(error); return; }
            if (market.LastPrice(a.Symbol) is not { } last) return;
            if (a.Trigger is { } t)
            {
                if (t.Direction == TriggerDirection.Below && t.Price >= last)
                    ctx.AddFailure($"The trigger {t.Price} is not below the last price {last}: it would fire at once. Use a price below {last}, or 'above'.");
                if (t.Direction == TriggerDirection.Above && t.Price <= last)
                    ctx.AddFailure($"The trigger {t.Price} is not above the last price {last}: it would fire at once. Use a price above {last}, or 'below'.");
            }
            var reference = a.Price ?? a.Trigger?.Price ?? last;
            var buy = a.Side == OrderSide.Buy;
            if (a.TakeProfit is { } tp && (buy ? tp <= reference : tp >= reference))
                ctx.AddFailure($"The take-profit {tp} must be {(buy ? "above" : "below")} the entry price {reference} for a {(buy ? "buy" : "sell")}.");
            if (a.StopLoss is { } sl && (buy ? sl >= reference : sl <= reference))
                ctx.AddFailure($"The stop-loss {sl} must be {(buy ? "below" : "above")} the entry price {reference} for a {(buy ? "buy" : "sell")}.");
        });
    }
}

/// <summary>order.cancel</summary>
public sealed class OrderCancelValidator : AbstractValidator<OrderCancelArgs>
{
    /// <summary>Creates the validator.</summary>
    public OrderCancelValidator()
    {
        RuleFor(a => a.Symbol).WellFormedSymbol();
        RuleFor(a => a.OrderId).MaximumLength(64).Matches("^[A-Za-z0-9_-]+$").When(a => a.OrderId is not null).WithMessage("That is not an order id.");
    }
}

/// <summary>order.list</summary>
public sealed class OrderListValidator : AbstractValidator<OrderListArgs>
{
    /// <summary>Creates the validator.</summary>
    public OrderListValidator() => RuleFor(a => a.Symbol).WellFormedSymbol();
}

/// <summary>position.close</summary>
public sealed class PositionCloseValidator : AbstractValidator<PositionCloseArgs>
{
    /// <summary>Creates the validator.</summary>
    public PositionCloseValidator()
    {
        RuleFor(a => a.Symbol).NotEmpty().WellFormedSymbol(allowAll: true);
        RuleFor(a => a.Percent).InclusiveBetween(1, 100).WithMessage(a => $"percent must be between 1 and 100 (got {a.Percent}).");
    }
}

/// <summary>portfolio.positions</summary>
public sealed class PortfolioPositionsValidator : AbstractValidator<PortfolioPositionsArgs>
{
    /// <summary>Creates the validator.</summary>
    public PortfolioPositionsValidator() => RuleFor(a => a.Symbol).WellFormedSymbol();
}

/// <summary>portfolio.pnl</summary>
public sealed class PortfolioPnlValidator : AbstractValidator<PortfolioPnlArgs>
{
    /// <summary>Creates the validator.</summary>
    public PortfolioPnlValidator(SystemRegistry systems) => RuleFor(a => a.System!).KnownSystem(systems, allowAll: false).When(a => a.System is not null);
}

/// <summary>portfolio.chart</summary>
public sealed class PortfolioChartValidator : AbstractValidator<PortfolioChartArgs>
{
    /// <summary>Creates the validator.</summary>
    public PortfolioChartValidator(SystemRegistry systems)
    {
        RuleFor(a => a.Kind).IsInEnum().WithMessage("kind must be equity or pnl.");
        RuleFor(a => a.Period).IsInEnum().WithMessage("period must be today, yesterday, week, month or all.");
        RuleFor(a => a.System!).KnownSystem(systems, allowAll: false).When(a => a.System is not null);
    }
}

/// <summary>portfolio.trades</summary>
public sealed class PortfolioTradesValidator : AbstractValidator<PortfolioTradesArgs>
{
    /// <summary>Creates the validator.</summary>
    public PortfolioTradesValidator(SystemRegistry systems)
    {
        RuleFor(a => a.Symbol).WellFormedSymbol();
        RuleFor(a => a.System!).KnownSystem(systems, allowAll: false).When(a => a.System is not null);
        RuleFor(a => a.Limit).InclusiveBetween(1, 200).WithMessage(a => $"limit must be between 1 and 200 (got {a.Limit}).");
    }
}

/// <summary>market.price</summary>
public sealed class MarketPriceValidator : AbstractValidator<MarketPriceArgs>
{
    /// <summary>Creates the validator.</summary>
    public MarketPriceValidator() => RuleFor(a => a.Symbol).NotEmpty().WellFormedSymbol();
}

/// <summary>report.schedule: a valid 5-field cron.</summary>
public sealed class ReportScheduleValidator : AbstractValidator<ReportScheduleArgs>
{
    /// <summary>Creates the validator.</summary>
    public ReportScheduleValidator() =>
        RuleFor(a => a.Cron).Custom((cron, ctx) =>
        {
            if (!CronSchedule.TryParse(cron, out _, out var error)) ctx.AddFailure(error!);
        });
}

/// <summary>system.launch: a configured template, a valid container name that is not a configured system, a well-formed symbol.</summary>
public sealed partial class SystemLaunchValidator : AbstractValidator<SystemLaunchArgs>
{
    [System.Text.RegularExpressions.GeneratedRegex(@"\A[a-z0-9][a-z0-9_-]{0,40}\z")]
    private static partial System.Text.RegularExpressions.Regex ContainerName();

    /// <summary>Creates the validator.</summary>
    public SystemLaunchValidator(SystemRegistry systems, Microsoft.Extensions.Options.IOptions<LaunchOptions> launch)
    {
        var templates = launch.Value.Templates;
        RuleFor(a => a.Template).Must(t => t is not null && templates.ContainsKey(t))
            .WithMessage(a => templates.Count == 0
                ? "No launch templates are configured (Launch:Templates)."
                : $"Unknown template '{a.Template}'. Configured: {string.Join(", ", templates.Keys.Order(StringComparer.Ordinal))}.");
        RuleFor(a => a.Name).Must(n => n is not null && ContainerName().IsMatch(n.ToLowerInvariant()))
            .WithMessage(a => $"'{a.Name}' is not a valid bot name: use letters, digits, - and _ (at most 41, starting with a letter or digit).");
        RuleFor(a => a.Name).Must(n => n is null || systems.Find(n.ToLowerInvariant()) is null)
            .WithMessage(a => $"'{a.Name}' is a configured system; pick another name.");
        RuleFor(a => a.Symbol).WellFormedSymbol();
    }
}

/// <summary>system.remove: a valid container name that is not a configured system (only launched bots are removed).</summary>
public sealed class SystemRemoveValidator : AbstractValidator<SystemRemoveArgs>
{
    /// <summary>Creates the validator.</summary>
    public SystemRemoveValidator(SystemRegistry systems)
    {
        RuleFor(a => a.Name).Must(n => !string.IsNullOrWhiteSpace(n) && n.Length <= 41 && n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            .WithMessage(a => $"'{a.Name}' is not a valid bot name: use letters, digits, - and _ (at most 41).");
        RuleFor(a => a.Name).Must(n => n is null || systems.Find(n.ToLowerInvariant()) is null)
            .WithMessage(a => $"'{a.Name}' is a configured system, not a launched bot; it cannot be removed.");
    }
}

/// <summary>report.send: a known report kind.</summary>
public sealed class ReportSendValidator : AbstractValidator<ReportSendArgs>
{
    /// <summary>Creates the validator.</summary>
    public ReportSendValidator() => RuleFor(a => a.Kind).IsInEnum().WithMessage("The report kind must be daily, sitrep or pnl.");
}

/// <summary>report.cancel: a known report kind.</summary>
public sealed class ReportCancelValidator : AbstractValidator<ReportCancelArgs>
{
    /// <summary>Creates the validator.</summary>
    public ReportCancelValidator() => RuleFor(a => a.Kind).IsInEnum().WithMessage("The report kind must be daily, sitrep or pnl.");
}

/// <summary>system.killswitch: its only argument is a flag; declared so every catalog action has a validator.</summary>
public sealed class SystemKillswitchValidator : AbstractValidator<SystemKillswitchArgs>;

/// <summary>portfolio.balance: no arguments.</summary>
public sealed class PortfolioBalanceValidator : AbstractValidator<PortfolioBalanceArgs>;

/// <summary>report.list: no arguments.</summary>
public sealed class ReportListValidator : AbstractValidator<ReportListArgs>;

/// <summary>help: no arguments.</summary>
public sealed class HelpValidator : AbstractValidator<HelpArgs>;

/// <summary>trading.resume: no arguments.</summary>
public sealed class TradingResumeValidator : AbstractValidator<TradingResumeArgs>;

/// <summary>dashboard.link: no arguments (the link is bound to the asking user by the web channel).</summary>
public sealed class DashboardLinkValidator : AbstractValidator<DashboardLinkArgs>;
