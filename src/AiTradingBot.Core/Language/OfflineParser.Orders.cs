using System.Collections.Frozen;
using System.Globalization;
using AiTradingBot.Core.Market;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;

namespace AiTradingBot.Core.Language;

public sealed partial class OfflineParser
{
    private static readonly FrozenSet<string> BelowWords = FrozenSet.ToFrozenSet(
        ["below", "under", "beneath", "drops", "drop", "falls", "fall", "dips", "dip", "sinks", "sink", "declines", "decline", "lower", "dumps", "crashes", "tanks", "down", "beneath"]);

    private static readonly FrozenSet<string> AboveWords = FrozenSet.ToFrozenSet(
        ["above", "over", "exceeds", "exceed", "rises", "rise", "climbs", "climb", "breaks", "break", "pumps", "pump", "higher", "surpasses", "tops", "up", "moons", "beyond"]);

    private static readonly FrozenSet<string> NoDirectionWords = FrozenSet.ToFrozenSet(
        ["hits", "hit", "reaches", "reach", "touches", "touch", "crosses", "cross", "gets", "goes", "trades", "becomes", "when", "if", "once", "whenever"]);

    private static readonly FrozenSet<string> MovementWords = FrozenSet.ToFrozenSet(
        ["drops", "drop", "falls", "fall", "dips", "dip", "sinks", "sink", "declines", "decline", "dumps", "crashes", "tanks", "rises", "rise", "climbs", "climb",
         "breaks", "break", "pumps", "pump", "surpasses", "tops", "moons", "exceeds", "exceed", "goes", "gets", "trades", "hits", "reaches", "crosses", "is", "price"]);

    private static readonly FrozenSet<string> SkipBack = FrozenSet.ToFrozenSet(
        ["at", "of", "to", "is", "around", "about", "roughly", "approximately", "near", "the", "a", "an", "price", "level", "set", "put", "with",
         "my", "it", "its", "and", "me", "be", "on", "placed", "place", "@", "=", "limit"]);

    private static readonly FrozenSet<string> CurrencyWords = FrozenSet.ToFrozenSet(["usdt", "usd", "usdc", "dollars", "dollar", "bucks", "worth", "quid"]);

    private static string? BuildOrder(Clause c, ResolveState s, List<PlanStep> steps)
    {
        var headWord = c.WordAt(c.Head);
        OrderSide? side = Lexicon.BuyVerbs.Contains(headWord) || Lexicon.AmountBuyVerbs.Contains(headWord) ? OrderSide.Buy
            : Lexicon.SellVerbs.Contains(headWord) ? OrderSide.Sell : null;
        side ??= c.HasAny(Lexicon.BuyVerbs) ? OrderSide.Buy : c.HasAny(Lexicon.SellVerbs) ? OrderSide.Sell : c.ImpliedBuy ? OrderSide.Buy : null;
        var verb = side == OrderSide.Sell ? "sell" : "buy";

        if (c.Symbols.Count > 1) return $"One coin per order, please: which one — {JoinList(c.Symbols, "or")}?";
        var symbol = c.Symbols.Count == 1 ? c.Symbols[0] : null;
        if (symbol is null && c.Pronoun is { } pronoun)
        {
            var p = c.Index(pronoun);
            if (p > 0 && (c.WordAt(p - 1) is "of" || p == c.Head + 1) && ReferredSymbols(c, s, implicitOk: false) is [var referred]) symbol = referred;
        }

        decimal? qty = null, notional = null, price = null, takeProfit = null, stopLoss = null;
        int? leverage = null;
        OrderTrigger? trigger = null;
        var triggerFromPreposition = false;
        var unassigned = new List<int>();

        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (!t.IsNumber) continue;
            var value = t.Value;
            if (t.Has(NumberFlags.Leverage))
            {
                if (value != decimal.Truncate(value) || value < 1 || value > 1000) return "Leverage must be a whole number such as 5x.";
                leverage = (int)value;
                continue;
            }
            if (t.Has(NumberFlags.Percent)) return "I can't size an order by percent. Give a quantity (e.g. 0.1 BTC) or an amount (e.g. $500 of BTC).";

            var (keyword, sawAt) = KeywordBefore(c, i);
            if (keyword is "sl" or "stop" or "stoploss")
            {
                stopLoss = value;
                continue;
            }
            if (keyword is "tp" or "target" or "takeprofit" or "profit")
            {
                takeProfit = value;
                continue;
            }
            if (keyword is "leverage" or "lev" or "leveraged" or "levered")
            {
                if (value != decimal.Truncate(value) || value < 1 || value > 1000) return "Leverage must be a whole number such as 5x.";
                leverage = (int)value;
                continue;
            }
            if (BelowWords.Contains(keyword) || AboveWords.Contains(keyword))
            {
                trigger = new OrderTrigger(value, BelowWords.Contains(keyword) ? TriggerDirection.Below : TriggerDirection.Above);
                triggerFromPreposition |= keyword is "below" or "under" or "beneath" or "above" or "over" or "beyond" or "lower" or "higher";
                continue;
            }
            if (NoDirectionWords.Contains(keyword))
                return $"Should the order trigger when the price rises above {Show(value)} or when it falls below {Show(value)}?";

            var symbolAfter = i + 1 < c.Tokens.Count && (MatchSymbol(c.Tokens, i + 1, out _, out _)
                || (c.WordAt(i + 1) == "of" && i + 2 < c.Tokens.Count && MatchSymbol(c.Tokens, i + 2, out _, out _)));
            if (symbolAfter || (c.WordAt(i + 1) is "of" && c.WordAt(i + 2) is "it" or "that" or "them"))
            {
                if (t.Has(NumberFlags.Dollar)) notional = value;
                else if (c.WordAt(i + 1) == "of" && !t.Has(NumberFlags.Fraction) && !t.Has(NumberFlags.Spelled) && value >= 10 && symbolAfter)
                {
                    // "buy 500 of eth": 500 ETH or $500 of ETH? Two very different orders, so ask.
                    var coin = c.Symbols.Count == 1 ? SymbolResolver.BaseOf(c.Symbols[0]) : "it";
                    return $"Do you mean {Show(value)} {coin}, or ${Show(value)} worth of {coin}? Say \"{verb} {Show(value)} {coin}\" or \"{verb} ${Show(value)} of {coin}\".";
                }
                else qty = value;
                continue;
            }
            if (CurrencyWords.Contains(c.WordAt(i + 1)))
            {
                notional = value;
                continue;
            }
            if (sawAt)
            {
                price = value;
                continue;
            }
            if (t.Has(NumberFlags.Dollar))
            {
                if (notional is null && c.WordAt(i - 1) is not "at") notional = value;
                else price ??= value;
                continue;
            }
            unassigned.Add(i);
        }

        foreach (var i in unassigned)
        {
            var value = c.Tokens[i].Value;
            var afterSymbolOrVerb = i > 0 && (i - 1 == c.Head || MatchSymbol(c.Tokens, i - 1, out _, out _) || c.WordAt(i - 1) is "limit" or "market" or "spot" or "perp");
            if (qty is null && notional is null && afterSymbolOrVerb && i > 0 && MatchSymbol(c.Tokens, i - 1, out _, out _)
                && (c.Tokens[i].Has(NumberFlags.Thousands) || c.Tokens[i].Text.Contains(',')))
                // "long btc 60k": a number written like a price right after the coin is not taken as a quantity.
                return $"Is {Show(value)} the price or the quantity? Say e.g. \"{verb} 0.1 {SymbolResolver.BaseOf(symbol ?? "BTCUSDT")} at {Show(value)}\".";
            if (qty is null && notional is null && afterSymbolOrVerb) qty = value;
            else if (price is null && c.Has("limit") && qty is not null) price = value;
            else return $"I'm not sure what {Show(value)} means here. Say e.g. \"{verb} 0.1 BTC at 45000\" or \"{verb} $500 of ETH\".";
        }

        if (symbol is null)
        {
            if (UnknownCoin(c) is { } coin)
                return $"I don't know the coin \"{coin}\". Use its ticker or exchange symbol (e.g. BTC or BTCUSDT).";
            var amount = qty is { } q ? $" {Show(q)} of" : notional is { } n ? $" ${Show(n)} of" : "";
            return side is null ? "Which coin, how much, and should I buy or sell?" : $"Which coin should I {verb}{amount}? (e.g. BTC, ETH or SOLUSDT)";
        }
        var coinName = SymbolResolver.BaseOf(symbol);
        if (side is null) return $"Should I buy or sell {coinName}?";
        if (qty is null && notional is null)
        {
            var at = c.Tokens.FindIndex(t => t.IsWord && SymbolResolver.Coins.ContainsKey(t.Text) || t.Is(symbol.ToLowerInvariant()));
            if (at > 0 && c.WordAt(at - 1) is "a" or "an")
                qty = at > 1 && c.WordAt(at - 2) == "half" ? 0.5m : 1m;
        }
        if (qty is null && notional is null && BareFractionBeforeCoin(c) is "0.5" or "0.25" && side == OrderSide.Buy)
            qty = BareFractionBeforeCoin(c) == "0.5" ? 0.5m : 0.25m; // "buy half eth": only an amount makes sense for a buy
        if (qty is not null && notional is not null) return "Give either a quantity (e.g. 0.1 BTC) or an amount (e.g. $500), not both.";
        if (qty is null && notional is null)
            return $"How much {coinName} should I {verb}? Say e.g. \"{verb} 0.1 {coinName}\" or \"{verb} $500 of {coinName}\".";

        var conditional = c.HasAny(Lexicon.ConditionalWords);
        if (trigger is not null && triggerFromPreposition && !conditional && !c.HasAny(MovementWords))
            return $"Do you mean a limit order at {Show(trigger.Price)}, or an order that triggers when the price goes {(trigger.Direction == TriggerDirection.Below ? "below" : "above")} {Show(trigger.Price)}?";
        if (trigger is null && conditional)
            return "I couldn't read the condition. Say e.g. \"buy 0.1 BTC when it drops below 45000\".";

        var limit = c.Has("limit");
        if (c.Has("market") && price is not null && !c.HasAny("at") ) return $"Should that be a market order, or a limit order at {Show(price.Value)}?";
        if (limit && price is null) return "At what price should the limit order be? (e.g. \"at 45000\")";
        var type = price is not null ? OrderType.Limit : OrderType.Market;
        var category = c.Has("spot") ? OrderCategory.Spot : OrderCategory.Linear;

        steps.Add(new OrderPlaceArgs(symbol, side.Value, type, qty, notional, price, trigger, takeProfit, stopLoss, leverage, c.Has("reduceonly"), category));
        return null;
    }

    /// <summary>The nearest meaningful word before a number, skipping "at", "of", "the"…; and whether "at"/"price" was skipped.</summary>
    private static (string Keyword, bool SawAt) KeywordBefore(Clause c, int i)
    {
        var sawAt = false;
        for (var k = i - 1; k >= 0; k--)
        {
            var t = c.Tokens[k];
            if (!t.IsWord) return ("", sawAt);
            if (t.Text is "at" or "price" or "@") sawAt = true;
            if (SkipBack.Contains(t.Text)) continue;
            return (t.Text, sawAt);
        }
        return ("", sawAt);
    }

    private static string Show(decimal value) => PlanJson.Normalize(value).ToString(CultureInfo.InvariantCulture);
}
