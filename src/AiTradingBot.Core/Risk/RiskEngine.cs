using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Trading;
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
        Dictionary<(string Symbol, OrderCategory Category), decimal>? positions = null;
        var restingInPlan = new Dictionary<(string, OrderCategory, OrderSide), decimal>();
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
                    positions ??= Positions(account);
                    var key = (o.Symbol, o.Category);
                    var last = market.LastPrice(o.Symbol);
                    var reference = o.Price ?? o.Trigger?.Price ?? last;
                    if (reference is not { } price || price <= 0)
                    {
                        Deny(i, $"No price is known for {o.Symbol}, so the order cannot be sized or checked.");
                        continue;
                    }
                    var qty = o.Qty ?? (o.Notional!.Value / price);
                    var notional = o.Notional ?? qty * price;
                    var current = positions.GetValueOrDefault(key);
                    var signed = o.Side == OrderSide.Buy ? qty : -qty;
                    // Exposure counts resting orders: a resting sell of a long has already "spent" that much reduction,
                    // so a second sell of the same size would cross zero and open a short once both fill.
                    var sameSide = account.Resting.Where(r => r.Symbol == o.Symbol && r.Category == o.Category && r.Side == o.Side)
                                       .Sum(r => r.Qty - r.FilledQty) + restingInPlan.GetValueOrDefault((o.Symbol, o.Category, o.Side));
                    var sameSigned = o.Side == OrderSide.Buy ? sameSide : -sameSide;
                    var reducing = o.Category == OrderCategory.Linear && current != 0 && Math.Sign(current) != Math.Sign(signed)
                                   && Math.Abs(sameSigned + signed) <= Math.Abs(current);
                    if (o.ReduceOnly && !reducing)
                        Deny(i, current == 0 ? $"Reduce-only, but there is no {o.Symbol} position to reduce."
                            : $"Reduce-only, but with the open {o.Side.ToString().ToLowerInvariant()} orders ({Normalize(sameSide)}) this order would be larger than or on the same side as the {o.Symbol} position ({Normalize(current)}).");
                    var increases = !reducing && !o.ReduceOnly;
                    (orders ??= []).Add(new OrderAssessment(i, o.Symbol, notional, increases));
                    newOrders++;
                    var rests = o.Type == OrderType.Limit || o.Trigger is not null;
                    if (rests) restingOrders++;

                    // The bands apply to every priced order: they catch typos, whichever way the order goes. Triggers wait
                    // for a move, so their band is wider.
                    if (last is { } lp && lp > 0)
                        foreach (var (label, p, band, setting) in new[] { ("limit price", o.Price, limits.PriceBandPercent, "Risk:PriceBandPercent"), ("trigger price", o.Trigger?.Price, limits.TriggerBandPercent, "Risk:TriggerBandPercent") })
                            if (p is { } pv && Math.Abs(pv - lp) / lp * 100 > band)
                                Deny(i, $"The {label} {pv} is {Math.Round(Math.Abs(pv - lp) / lp * 100, 1)}% away from the last price {lp}; the band is ±{band}% ({setting}). Check the number.");

                    if (increases)
                    {
                        if (account.Halted)
                            Deny(i, current != 0 && Math.Sign(current) != Math.Sign(signed)
                                ? $"Trading is halted after the killswitch: only risk-reducing orders pass until an admin resumes trading (/resume). This order is not reducing: the {o.Symbol} position is {Normalize(current)} and open {o.Side.ToString().ToLowerInvariant()} orders already cover {Normalize(sameSide)}."
                                : "Trading is halted after the killswitch: only risk-reducing orders pass until an admin resumes trading (/resume).");
                        if (lossTripped)
                        {
                            Deny(i, $"The daily loss limit is reached (realized {account.RealizedPnlToday} ≤ -{limits.DailyLossLimit} USDT today): only risk-reducing orders pass until tomorrow.");
                            lossReported = true;
                        }
                        if (limits.AllowedSymbols.Count > 0 && !limits.AllowedSymbols.Contains(o.Symbol, StringComparer.OrdinalIgnoreCase))
                            Deny(i, $"{o.Symbol} is not in the allowed symbols ({string.Join(", ", limits.AllowedSymbols)}).");
                        if (notional > limits.MaxOrderNotional)
                            Deny(i, $"The order is worth about {Math.Round(notional, 2)} USDT; the limit is {limits.MaxOrderNotional} USDT per order: {AtMost(limits.MaxOrderNotional, o.Symbol, price, market)} (Risk:MaxOrderNotional).");
                        else if (notional > limits.MaxOrderNotional * limits.WarnAtPercentOfLimit / 100)
                            Warn($"This order uses {Math.Round(notional / limits.MaxOrderNotional * 100)}% of the per-order limit.");
                        var exposure = current + sameSigned;
                        var after = Math.Abs(exposure + signed) * price;
                        if (o.Category == OrderCategory.Linear && after > limits.MaxPositionNotional)
                        {
                            // Room left on this side, in the order's direction, from the exposure already there.
                            var room = Math.Max(0m, limits.MaxPositionNotional - (Math.Sign(exposure) == Math.Sign(signed) ? Math.Abs(exposure) * price : -Math.Abs(exposure) * price));
                            Deny(i, $"The {o.Symbol} position would be worth about {Math.Round(after, 2)} USDT counting open orders; the limit is {limits.MaxPositionNotional} USDT per symbol: {AtMost(room, o.Symbol, price, market)} (Risk:MaxPositionNotional).");
                        }
                        if (o.Leverage is { } lev && lev > limits.MaxLeverage)
                            Deny(i, $"Leverage {lev}x exceeds the limit of {limits.MaxLeverage}x (Risk:MaxLeverage).");
                        else if (o.Leverage is { } lev2 && lev2 > 1)
                            Warn($"Leverage {lev2}x: losses are multiplied too.");
                        if (o.StopLoss is null && o.Category == OrderCategory.Linear && o.Trigger is null && notional > limits.MaxOrderNotional / 2)
                            Warn("No stop-loss on a large order.");
                    }
                    // Later steps of the plan see this one: a market order moves the position, a resting one adds exposure.
                    if (rests) restingInPlan[(o.Symbol, o.Category, o.Side)] = restingInPlan.GetValueOrDefault((o.Symbol, o.Category, o.Side)) + qty;
                    else if (o.Category == OrderCategory.Linear) positions[key] = current + signed;
                    break;
                }
                case PositionCloseArgs c:
                {
                    positions ??= Positions(account);
                    var targets = c.Symbol == "all" ? positions.Where(p => p.Value != 0).Select(p => p.Key).ToList() : [(c.Symbol, OrderCategory.Linear)];
                    decimal total = 0;
                    foreach (var key in targets)
                    {
                        var q = positions.GetValueOrDefault(key);
                        if (q == 0) continue;
                        var price = market.LastPrice(key.Symbol) ?? account.Positions.FirstOrDefault(p => p.Symbol == key.Symbol && p.Category == key.Category)?.MarkPrice ?? 0;
                        total += Math.Abs(q) * c.Percent / 100 * price;
                        positions[key] = q - q * c.Percent / 100;
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
                case SystemLaunchArgs when account.Halted:
                    Deny(i, "Trading is halted after the killswitch: resume trading (/resume) before launching bots.");
                    break;
                case SystemLaunchArgs when lossTripped:
                    Deny(i, $"The daily loss limit is reached (realized {account.RealizedPnlToday} ≤ -{limits.DailyLossLimit} USDT today): no new bots until tomorrow.");
                    lossReported = true;
                    break;
                case SystemStartArgs s when lossTripped && StartsTrading(s.System, systems):
                    Deny(i, $"The daily loss limit is reached (realized {account.RealizedPnlToday} ≤ -{limits.DailyLossLimit} USDT today): trading systems stay stopped until tomorrow.");
                    lossReported = true;
                    break;
                case SystemRestartArgs s when lossTripped && StartsTrading(s.System, systems):
                    Deny(i, $"The daily loss limit is reached (realized {account.RealizedPnlToday} ≤ -{limits.DailyLossLimit} USDT today): trading systems stay stopped until tomorrow.");
                    lossReported = true;
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

    /// <summary>Positions by (symbol, category): spot holdings and linear positions on one symbol never net.</summary>
    private static Dictionary<(string Symbol, OrderCategory Category), decimal> Positions(AccountSnapshot account) =>
        account.Positions.GroupBy(p => (p.Symbol, p.Category)).ToDictionary(g => g.Key, g => g.Sum(p => p.Qty));

    /// <summary>"at most 0.095 BTC now": the largest quantity, rounded down to the step, worth at most <paramref name="budget"/>.</summary>
    private static string AtMost(decimal budget, string symbol, decimal price, MarketSnapshot market)
    {
        var step = market.Instruments.TryGetValue(symbol, out var rules) ? rules.QtyStep : 0m;
        var max = Trading.OrderSizer.RoundQty(budget / price, step);
        if (step <= 0) max = Math.Round(max, 6, MidpointRounding.ToZero);
        return $"at most {Normalize(max)} {Market.SymbolResolver.BaseOf(symbol)} now";
    }

    private static decimal Normalize(decimal d) => PlanJson.Normalize(d);

    private static bool StartsTrading(string system, SystemRegistry systems) =>
        systems.Expand(system).Any(s => s.Role == SystemRole.Trading);
}
