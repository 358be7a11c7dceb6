using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Validation;

namespace AiTradingBot.Core.Risk;

/// <summary>
/// The risk layer: a pure function of (plan, account, market, limits, halt state). It classifies every order as
/// risk-increasing or risk-reducing against current positions (and earlier steps of the same plan), applies the
/// limits to increasing orders, the price band to every priced order, and lets reducing orders through a halt or
/// a tripped daily loss limit.
/// </summary>
public static class RiskEngine
{
    /// <summary>Evaluates a plan.</summary>
    public static RiskDecision Evaluate(IReadOnlyList<PlanStep> steps, AccountSnapshot account, MarketSnapshot market, RiskOptions limits, SystemRegistry systems, bool live)
    {
        List<string>? reasons = null, warnings = null;
        List<OrderAssessment>? orders = null;
        var lossTripped = limits.DailyLossLimit > 0 && account.RealizedPnlToday <= -limits.DailyLossLimit;
        var lossReported = false;
        Dictionary<string, decimal>? positions = null;
        var newOrders = 0;
        var restingOrders = 0;

        void Deny(int i, string reason) => (reasons ??= []).Add(steps.Count > 1 ? $"Step {i + 1}: {reason}" : reason);
        void Warn(string warning) { if (!(warnings ??= []).Contains(warning)) warnings.Add(warning); }

        for (var i = 0; i < steps.Count; i++)
        {
            switch (steps[i].Args)
            {
                case OrderPlaceArgs o:
                {
                    positions ??= account.Positions.GroupBy(p => p.Symbol).ToDictionary(g => g.Key, g => g.Sum(p => p.Qty), StringComparer.Ordinal);
                    var last = market.LastPrice(o.Symbol);
                    var reference = o.Price ?? o.Trigger?.Price ?? last;
                    if (reference is not { } price || price <= 0)
                    {
                        Deny(i, $"No price is known for {o.Symbol}, so the order cannot be sized or checked.");
                        continue;
                    }
                    var qty = o.Qty ?? (o.Notional!.Value / price);
                    var notional = o.Notional ?? qty * price;
                    var current = positions.GetValueOrDefault(o.Symbol);
                    var signed = o.Side == OrderSide.Buy ? qty : -qty;
                    var reducing = o.Category == OrderCategory.Linear && current != 0 && Math.Sign(current) != Math.Sign(signed) && qty <= Math.Abs(current);
                    if (o.ReduceOnly && !reducing)
                        Deny(i, current == 0 ? $"Reduce-only, but there is no {o.Symbol} position to reduce." : $"Reduce-only, but the order is larger than or on the same side as the {o.Symbol} position.");
                    var increases = !reducing && !o.ReduceOnly;
                    (orders ??= []).Add(new OrderAssessment(i, o.Symbol, notional, increases));
                    newOrders++;
                    if (o.Type == OrderType.Limit || o.Trigger is not null) restingOrders++;

                    // The price band applies to every priced order: it catches typos, whichever way the order goes.
                    if (last is { } lp && lp > 0)
                        foreach (var (label, p) in new[] { ("limit price", o.Price), ("trigger price", o.Trigger?.Price) })
                            if (p is { } pv && Math.Abs(pv - lp) / lp * 100 > limits.PriceBandPercent)
                                Deny(i, $"The {label} {pv} is {Math.Round(Math.Abs(pv - lp) / lp * 100, 1)}% away from the last price {lp}; the band is ±{limits.PriceBandPercent}% (Risk:PriceBandPercent). Check the number.");

                    if (increases)
                    {
                        if (account.Halted)
                            Deny(i, "Trading is halted after the killswitch: only risk-reducing orders pass until an admin resumes trading (/resume).");
                        if (lossTripped)
                        {
                            Deny(i, $"The daily loss limit is reached (realized {account.RealizedPnlToday} ≤ -{limits.DailyLossLimit} USDT today): only risk-reducing orders pass until tomorrow.");
                            lossReported = true;
                        }
                        if (limits.AllowedSymbols.Count > 0 && !limits.AllowedSymbols.Contains(o.Symbol, StringComparer.OrdinalIgnoreCase))
                            Deny(i, $"{o.Symbol} is not in the allowed symbols ({string.Join(", ", limits.AllowedSymbols)}).");
                        if (notional > limits.MaxOrderNotional)
                            Deny(i, $"The order is worth about {Math.Round(notional, 2)} USDT; the limit is {limits.MaxOrderNotional} USDT per order (Risk:MaxOrderNotional).");
                        else if (notional > limits.MaxOrderNotional * limits.WarnAtPercentOfLimit / 100)
                            Warn($"This order uses {Math.Round(notional / limits.MaxOrderNotional * 100)}% of the per-order limit.");
                        var after = Math.Abs(current + signed) * price;
                        if (o.Category == OrderCategory.Linear && after > limits.MaxPositionNotional)
                            Deny(i, $"The {o.Symbol} position would be worth about {Math.Round(after, 2)} USDT; the limit is {limits.MaxPositionNotional} USDT per symbol (Risk:MaxPositionNotional).");
                        if (o.Leverage is { } lev && lev > limits.MaxLeverage)
                            Deny(i, $"Leverage {lev}x exceeds the limit of {limits.MaxLeverage}x (Risk:MaxLeverage).");
                        else if (o.Leverage is { } lev2 && lev2 > 1)
                            Warn($"Leverage {lev2}x: losses are multiplied too.");
                        if (o.StopLoss is null && o.Category == OrderCategory.Linear && o.Trigger is null && notional > limits.MaxOrderNotional / 2)
                            Warn("No stop-loss on a large order.");
                    }
                    if (o.Category == OrderCategory.Linear) positions[o.Symbol] = current + signed;
                    break;
                }
                case PositionCloseArgs c:
                {
                    positions ??= account.Positions.GroupBy(p => p.Symbol).ToDictionary(g => g.Key, g => g.Sum(p => p.Qty), StringComparer.Ordinal);
                    var targets = c.Symbol == "all" ? positions.Where(p => p.Value != 0).Select(p => p.Key).ToList() : [c.Symbol];
                    decimal total = 0;
                    foreach (var symbol in targets)
                    {
                        var q = positions.GetValueOrDefault(symbol);
                        if (q == 0) continue;
                        var price = market.LastPrice(symbol) ?? account.Positions.FirstOrDefault(p => p.Symbol == symbol)?.MarkPrice ?? 0;
                        total += Math.Abs(q) * c.Percent / 100 * price;
                        positions[symbol] = q - q * c.Percent / 100;
                    }
                    if (targets.Count == 0 || total == 0)
                        Warn(c.Symbol == "all" ? "There are no open positions right now." : $"There is no open {c.Symbol} position right now.");
                    (orders ??= []).Add(new OrderAssessment(i, c.Symbol, total, IncreasesRisk: false));
                    break;
                }
                case SystemStartArgs s when account.Halted && StartsTrading(s.System, systems):
                    Deny(i, "Trading is halted after the killswitch: resume trading (/resume) before deploying trading systems.");
                    break;
                case SystemRestartArgs s when account.Halted && StartsTrading(s.System, systems):
                    Deny(i, "Trading is halted after the killswitch: resume trading (/resume) before rebooting trading systems.");
                    break;
                case SystemKillswitchArgs k when k.ClosePositions:
                    Warn("Every open position will be closed at market.");
                    break;
            }
        }
        if (newOrders > 0)
        {
            if (account.OrdersLastMinute + newOrders > limits.MaxOrdersPerMinute)
                (reasons ??= []).Add($"Too many orders: {account.OrdersLastMinute} sent in the last minute, the limit is {limits.MaxOrdersPerMinute} per minute (Risk:MaxOrdersPerMinute). Wait a moment.");
            if (restingOrders > 0 && account.OpenOrders + restingOrders > limits.MaxOpenOrders)
                (reasons ??= []).Add($"Too many open orders: {account.OpenOrders} open, the limit is {limits.MaxOpenOrders} (Risk:MaxOpenOrders). Cancel some first.");
            if (live) Warn("LIVE: this uses real money.");
        }
        return new RiskDecision(reasons is null, reasons ?? (IReadOnlyList<string>)[], warnings ?? (IReadOnlyList<string>)[], orders ?? (IReadOnlyList<OrderAssessment>)[])
        {
            LossLimitTripped = lossReported,
        };
    }

    private static bool StartsTrading(string system, SystemRegistry systems) =>
        systems.Expand(system).Any(s => s.Role == SystemRole.Trading);
}
