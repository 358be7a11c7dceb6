using AiTradingBot.Core.Containers;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Trading;

namespace AiTradingBot.Core.Execution;

/// <summary>Typed result of one executed step; channels render these, they never parse text.</summary>
public abstract record StepResult;

/// <summary>
/// One system in a sitrep or diagnostics report. <see cref="Error"/> is set when it could not be read; <see cref="Host"/> names
/// its container host when several are configured.
/// </summary>
public sealed record SystemReport(
    string System,
    string Container,
    Systems.SystemRole Role,
    string State,
    bool Running,
    TimeSpan? Uptime,
    string? Health,
    int? RestartCount,
    int? ExitCode,
    double? CpuPercent,
    long? MemoryUsedBytes,
    long? MemoryLimitBytes,
    string? Error,
    string? Host = null);

/// <summary>Sitrep or diagnostics of several systems.</summary>
public sealed record SystemsReportResult(bool Diagnostics, IReadOnlyList<SystemReport> Systems, bool Demo) : StepResult;

/// <summary>Log lines of one system.</summary>
public sealed record LogsResult(string System, string Container, IReadOnlyList<LogLine> Lines, int Requested, string? Grep, string? Since, bool Demo) : StepResult;

/// <summary>What happened to one container in a start/stop/restart.</summary>
public enum ContainerOutcome { Done, AlreadyInState, Failed }

/// <summary>Per-container outcome of a start/stop/restart; <see cref="Host"/> names its container host when several are configured.</summary>
public sealed record ContainerActionOutcome(string System, string Container, ContainerOutcome Outcome, string? Message, TimeSpan Elapsed, string? Host = null);

/// <summary>Start, stop or restart of one or more systems.</summary>
public sealed record ContainerActionsResult(string Verb, IReadOnlyList<ContainerActionOutcome> Outcomes, bool Demo) : StepResult
{
    /// <summary>True when any container failed.</summary>
    public bool AnyFailed => Outcomes.Any(o => o.Outcome == ContainerOutcome.Failed);
}

/// <summary>Output of an allowlisted command.</summary>
public sealed record ExecStepResult(string System, string Command, int ExitCode, string Output, bool Truncated) : StepResult;

/// <summary>Everything the killswitch did: per system, per order group, and what was still there when it checked again.</summary>
public sealed record KillswitchResult(
    IReadOnlyList<ContainerActionOutcome> Stops,
    IReadOnlyList<string> CancelledOrderIds,
    string? CancelError,
    IReadOnlyList<PositionCloseOutcome> Closed,
    bool Halted) : StepResult
{
    /// <summary>One entry per order group the venue cancels separately (linear per settle coin, spot per order filter).</summary>
    public IReadOnlyList<CancelGroupResult> OrderGroups { get; init; } = [];

    /// <summary>Open orders listed again after cancelling: each one is a failure.</summary>
    public IReadOnlyList<OpenOrder> OrdersLeft { get; init; } = [];

    /// <summary>Positions listed again after closing (only with closePositions): each one is a failure.</summary>
    public IReadOnlyList<Position> PositionsLeft { get; init; } = [];

    /// <summary>Why listing orders or positions again failed (then nothing is proven gone).</summary>
    public string? VerifyError { get; init; }

    /// <summary>Why latching the halt failed in the durable log or the live-state cache (whichever still holds it keeps trading halted).</summary>
    public string? HaltError { get; init; }

    /// <summary>Every failure, one line each; empty when everything was stopped, cancelled and closed.</summary>
    public IReadOnlyList<string> Failures =>
    [
        .. HaltError is null ? [] : new[] { $"latching the halt: {HaltError}" },
        .. Stops.Where(s => s.Outcome == ContainerOutcome.Failed).Select(s => $"{s.System}{(s.Host is null ? "" : $" on {s.Host}")}: {s.Message?.TrimEnd('.')} (not stopped)"),
        .. CancelError is null ? [] : new[] { $"cancelling orders failed: {CancelError}" },
        .. OrderGroups.Where(g => g.Error is not null).Select(g => $"{g.Group}: {g.Error}"),
        .. VerifyError is null ? [] : new[] { $"could not check what is left: {VerifyError}" },
        .. OrdersLeft.Select(o => $"order {o.OrderId} ({o.Category.ToString().ToLowerInvariant()} {o.Symbol} {o.Side.ToString().ToLowerInvariant()} {o.Qty}) is still open"),
        .. Closed.Where(c => c.Error is not null).Select(c => $"closing {c.Symbol} failed: {c.Error}"),
        .. PositionsLeft.Select(p => $"position {p.Symbol} {p.Qty} is still open"),
    ];
}

/// <summary>Trading resumed after a halt.</summary>
public sealed record ResumeResult(bool WasHalted) : StepResult;

/// <summary>
/// An order was sent (accepted or rejected by the venue). <paramref name="JournalProblem"/>: the venue answered but
/// recording that answer failed — the order stands and must not be sent again.
/// </summary>
public sealed record OrderPlacedResult(OrderRequest Request, OrderResult Result, ExchangeMode Mode, string? JournalProblem = null) : StepResult;

/// <summary>Orders cancelled.</summary>
public sealed record OrdersCancelledResult(string? Symbol, IReadOnlyList<string> OrderIds, ExchangeMode Mode) : StepResult;

/// <summary>Open orders.</summary>
public sealed record OrderListResult(string? Symbol, IReadOnlyList<OpenOrder> Orders, ExchangeMode Mode) : StepResult;

/// <summary>Close of one position.</summary>
public sealed record PositionCloseOutcome(string Symbol, decimal ClosedQty, OrderResult? Result, string? Error);

/// <summary>Positions closed.</summary>
public sealed record PositionsClosedResult(IReadOnlyList<PositionCloseOutcome> Closed, ExchangeMode Mode) : StepResult;

/// <summary>Wallet balances.</summary>
public sealed record BalanceResult(WalletSnapshot Wallet, ExchangeMode Mode) : StepResult;

/// <summary>Open positions.</summary>
public sealed record PositionsResult(string? Symbol, IReadOnlyList<Position> Positions, ExchangeMode Mode) : StepResult;

/// <summary>Realized PnL over a period.</summary>
public sealed record PnlResult(Trading.PnlSummary Summary) : StepResult;

/// <summary>Recent fills.</summary>
public sealed record TradesResult(IReadOnlyList<Fill> Fills, string? Symbol, string? System) : StepResult;

/// <summary>Last price.</summary>
public sealed record PriceResult(Ticker Ticker, ExchangeMode Mode) : StepResult;

/// <summary>A report rendered now.</summary>
public sealed record ReportResult(ReportKind Kind, string Html, string Text) : StepResult
{
    /// <summary>A chart sent after the text (the daily report's week equity), or null.</summary>
    public ChartResult? Chart { get; init; }
}

/// <summary>A report scheduled.</summary>
public sealed record ReportScheduledResult(ReportSchedule Schedule) : StepResult;

/// <summary>Scheduled reports.</summary>
public sealed record ReportListResult(IReadOnlyList<ReportSchedule> Schedules) : StepResult;

/// <summary>A scheduled report removed (or there was none).</summary>
public sealed record ReportCancelledResult(ReportKind Kind, bool Existed) : StepResult;

/// <summary>What the assistant can do, generated from the catalog.</summary>
public sealed record HelpResult(IReadOnlyList<Catalog.ActionDescriptor> Actions) : StepResult;

/// <summary>A fresh single-use dashboard link, bound to the asking user (a credential: shown only to that user).</summary>
public sealed record DashboardLinkResult(Uri Url, DateTimeOffset ExpiresAt) : StepResult;

/// <summary>Container launched from a template.</summary>
public sealed record LaunchResult(ContainerInfo Container) : StepResult;

/// <summary>Managed container removed.</summary>
public sealed record RemoveResult(string Container) : StepResult;

/// <summary>
/// A chart picture (PNG of <see cref="Width"/>×<see cref="Height"/>) and its one-line caption. The bytes are left out
/// of JSON: channels send or save them and report where.
/// </summary>
public sealed record ChartResult(
    ChartKind Kind,
    PnlPeriod Period,
    string? System,
    string Caption,
    int Width,
    int Height,
    ExchangeMode Mode,
    [property: global::System.Text.Json.Serialization.JsonIgnore] byte[] Png) : StepResult;
