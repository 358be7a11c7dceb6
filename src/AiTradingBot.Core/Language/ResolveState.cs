using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Language;

/// <summary>What earlier clauses of the same message referred to, for pronouns and implied subjects.</summary>
internal sealed class ResolveState(ConversationContext context)
{
    /// <summary>The chat's context from earlier messages.</summary>
    public ConversationContext Context { get; } = context;

    /// <summary>Systems the most recent clause acted on (never "all").</summary>
    public List<string> LastSystems { get; private set; } = [];

    /// <summary>Symbols the most recent clause acted on (never "all").</summary>
    public List<string> LastSymbols { get; private set; } = [];

    /// <summary>Records the referents of the steps a clause produced (or, without steps, the names it mentioned).</summary>
    public void Remember(Clause clause, List<PlanStep> steps, int from)
    {
        var systems = new List<string>();
        var symbols = new List<string>();
        for (var i = from; i < steps.Count; i++)
        {
            var (system, symbol) = Targets(steps[i].Args);
            if (system is not null and not "all" && !systems.Contains(system)) systems.Add(system);
            if (symbol is not null and not "all" && !symbols.Contains(symbol)) symbols.Add(symbol);
        }
        if (steps.Count == from)
        {
            systems.AddRange(clause.Systems);
            symbols.AddRange(clause.Symbols);
        }
        if (systems.Count > 0) LastSystems = systems;
        if (symbols.Count > 0) LastSymbols = symbols;
    }

    private static (string? System, string? Symbol) Targets(ActionArgs args) => args switch
    {
        SystemStatusArgs a => (a.System, null),
        SystemDiagnosticsArgs a => (a.System, null),
        SystemLogsArgs a => (a.System, null),
        SystemStartArgs a => (a.System, null),
        SystemStopArgs a => (a.System, null),
        SystemRestartArgs a => (a.System, null),
        SystemExecArgs a => (a.System, null),
        OrderPlaceArgs a => (null, a.Symbol),
        OrderCancelArgs a => (null, a.Symbol),
        OrderListArgs a => (null, a.Symbol),
        PositionCloseArgs a => (null, a.Symbol),
        PortfolioPositionsArgs a => (null, a.Symbol),
        PortfolioPnlArgs a => (a.System, null),
        PortfolioChartArgs a => (a.System, null),
        PortfolioTradesArgs a => (a.System, a.Symbol),
        MarketPriceArgs a => (null, a.Symbol),
        _ => (null, null),
    };
}
