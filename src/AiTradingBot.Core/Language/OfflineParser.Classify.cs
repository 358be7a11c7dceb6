using System.Collections.Frozen;
using AiTradingBot.Core.Market;

namespace AiTradingBot.Core.Language;

public sealed partial class OfflineParser
{
    /// <summary>Coin tickers that are also common English words: only coins when written in capitals or used like one.</summary>
    private static readonly FrozenSet<string> AmbiguousCoins = FrozenSet.ToFrozenSet(
        ["etc", "link", "near", "ton", "op", "dot", "uni", "apt", "atom", "pol", "optimism", "avalanche", "ripple", "cosmos", "one", "ada", "sui"]);

    private static readonly FrozenSet<string> CoinContext = FrozenSet.ToFrozenSet(
        ["of", "my", "buy", "sell", "long", "short", "close", "price", "cancel", "dump", "purchase", "flatten", "worth"]);

    private static readonly FrozenSet<string> NotVerbBefore = FrozenSet.ToFrozenSet(
        ["my", "the", "a", "an", "your", "our", "any", "how", "too", "so", "as", "this", "that", "its", "their", "all", "no", "which", "what"]);

    private Clause Analyze(List<Token> tokens, bool question)
    {
        var c = new Clause(tokens, question);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (!t.IsWord) continue;
            var w = t.Text;
            if (MatchSystem(tokens, i, out var name, out var length))
            {
                if (!c.Systems.Contains(name)) c.Systems.Add(name);
                i += length - 1;
                continue;
            }
            if (MatchSymbol(tokens, i, out var symbol, out length))
            {
                if (!c.Symbols.Contains(symbol)) c.Symbols.Add(symbol);
                i += length - 1;
                continue;
            }
            if (Lexicon.AllWords.Contains(w)) c.AllWord = true;
            if (Lexicon.Pronouns.Contains(w))
            {
                c.Pronoun ??= w;
                c.PluralPronoun |= Lexicon.PluralPronouns.Contains(w);
            }
            else if (w is "that" or "this" && IsDemonstrative(tokens, i)) c.Pronoun ??= "that";
            else if (w == "both" && (i + 1 >= tokens.Count || !tokens[i + 1].IsWord || Lexicon.SystemFillers.Contains(tokens[i + 1].Text)))
            {
                c.Pronoun ??= "both";
                c.PluralPronoun = true;
            }
            if (Lexicon.Negations.Contains(w)) c.Negated = true;
            if (w is "canyou" or "please" or "kindly") c.Polite = true;
            if (!Lexicon.Known.Contains(w) && !_commands.Contains(w) && !AmbiguousCoins.Contains(w)) c.Unknown.Add(w);
        }
        var first = c.FirstContent();
        var firstWord = c.WordAt(first);
        c.QuestionForm = question || (Lexicon.QuestionStarts.Contains(firstWord)
            && !(firstWord is "do" or "does" && c.WordAt(first + 1) is "a" or "an" or "the" or "some" or "it"));
        Classify(c);
        if (c.Intent is not (Intent.Clarify or Intent.Nothing or Intent.Chat))
            foreach (var u in c.Unknown)
                if (u.Length < TypoCorrector.MinLength && (c.WordAt(first) == u || c.Systems.Count > 0) && _typos.Suggest(u) is { } meant)
                {
                    // "show the lgos of alpha": too short to correct safely, so ask rather than guess around it.
                    Ask(c, $"I don't know the word \"{u}\". Did you mean \"{meant}\"? Please send the instruction again.");
                    break;
                }
        return c;
    }

    private static bool IsDemonstrative(List<Token> tokens, int i)
    {
        if (i + 1 >= tokens.Count) return i > 0;
        var next = tokens[i + 1];
        return next.IsWord && (Lexicon.SystemFillers.Contains(next.Text) || next.Text is "coin" or "position" or "one" or "token" or "pair");
    }

    private bool MatchSystem(List<Token> tokens, int i, out string name, out int length)
    {
        var w = tokens[i].Text;
        if (_systemPhrases.TryGetValue(w, out var phrases))
            foreach (var (tail, system) in phrases)
            {
                if (i + tail.Length >= tokens.Count) continue;
                var ok = true;
                for (var k = 0; k < tail.Length && ok; k++) ok = tokens[i + 1 + k].Kind is TokenKind.Word or TokenKind.Number && tokens[i + 1 + k].Text == tail[k];
                if (!ok) continue;
                name = system;
                length = tail.Length + 1;
                return true;
            }
        length = 1;
        return _systemWords.TryGetValue(w, out name!);
    }

    private static bool MatchSymbol(List<Token> tokens, int i, out string symbol, out int length)
    {
        var t = tokens[i];
        length = 1;
        symbol = "";
        if (i + 1 < tokens.Count && tokens[i + 1].IsWord && SymbolResolver.Coins.TryGetValue(t.Text + " " + tokens[i + 1].Text, out var pair))
        {
            symbol = pair + SymbolResolver.DefaultQuote;
            length = 2;
            return true;
        }
        if (SymbolResolver.Coins.TryGetValue(t.Text, out var coin))
        {
            if (AmbiguousCoins.Contains(t.Text) && !t.Upper && !CoinLike(tokens, i)) return false;
            symbol = coin + SymbolResolver.DefaultQuote;
            return true;
        }
        var w = t.Text;
        if (w.Length < 5 && !t.Upper) return false;
        if (w.IndexOfAny(['/', '-', ':', '_']) < 0 && !w.EndsWith("usdt", StringComparison.Ordinal) && !w.EndsWith("usdc", StringComparison.Ordinal)
            && !w.EndsWith("perp", StringComparison.Ordinal)) return false;
        if (SymbolResolver.Resolve(w) is not { } resolved) return false;
        symbol = resolved;
        return true;
    }

    private static bool CoinLike(List<Token> tokens, int i)
    {
        if (i > 0 && (tokens[i - 1].IsNumber || (tokens[i - 1].IsWord && CoinContext.Contains(tokens[i - 1].Text)))) return true;
        return i + 1 < tokens.Count && tokens[i + 1].IsWord && tokens[i + 1].Text is "price" or "position" or "orders" or "perp" or "usdt" or "trades";
    }

    private static void Set(Clause c, Intent intent, int head)
    {
        c.Intent = intent;
        c.Head = head;
    }

    private static void Ask(Clause c, string question)
    {
        c.Intent = Intent.Clarify;
        c.Question = question;
    }

    private void Classify(Clause c)
    {
        if (IsStatement(c))
        {
            c.Intent = Intent.Nothing;
            c.Reason = "That sounds like a report of something that already happened, not an instruction, so I did nothing. Tell me what you would like done (a status check, logs, an order…) and I will.";
            return;
        }
        var k = c.Index(Lexicon.KillswitchWords);
        if (k >= 0)
        {
            if (c.HasAny("reset", "clear", "disable", "lift", "release", "deactivate", "undo", "unset", "remove", "off", "resume", "unhalt", "unfreeze", "lifted", "cancel"))
                Set(c, Intent.Resume, k);
            else if (c.QuestionForm && c.HasAny("what", "how", "does", "explain", "mean"))
                Set(c, Intent.Help, k);
            else
                Set(c, Intent.Killswitch, k);
            return;
        }

        if (IsOffTopicQuestion(c))
        {
            c.Intent = Intent.Nothing;
            c.Reason = "That's outside what I can help with: I look after your trading systems and account (status, logs, balance, PnL, orders). Try /help.";
            return;
        }

        var tradingObject = c.Has("trading") && c.Systems.Count == 0 && c.Symbols.Count == 0 && !c.HasAny(Lexicon.SystemFillers)
            && !c.HasAny(Lexicon.ReportNouns) && !c.HasAny("at", "tradingat");
        var r = c.Index(Lexicon.ResumeWords);
        if (r >= 0 && c.Systems.Count == 0 && (tradingObject || (!c.AllWord && !c.HasAny(Lexicon.SystemFillers))))
        {
            Set(c, Intent.Resume, r);
            return;
        }
        if (tradingObject && c.Index(["enable", "reenable", "allow", "unblock", "unlock"]) is var en and >= 0)
        {
            Set(c, Intent.Resume, en);
            return;
        }

        if (ClassifyReport(c)) return;

        if (c.Index("take") is var take and >= 0 && c.Index("off", take) > take && (c.Symbols.Count > 0 || c.HasAny(Lexicon.PositionNouns)))
        {
            Set(c, Intent.Close, take);
            return;
        }
        if (c.WordAt(c.FirstContent()) == "tp" && c.Symbols.Count > 0 && !c.Tokens.Any(t => t.IsNumber && !t.Has(NumberFlags.Percent)))
        {
            Set(c, Intent.Close, c.FirstContent());
            return;
        }
        var cl = c.Index(Lexicon.CloseVerbs);
        if (cl >= 0 && IsCloseVerb(c, cl))
        {
            Set(c, c.HasAny(Lexicon.OrderNouns) && !c.HasAny(Lexicon.PositionNouns) ? Intent.Cancel : Intent.Close, cl);
            return;
        }

        var side = SideVerbIndex(c);
        if (side >= 0 && c.WordAt(side) is "sell" or "dump" or "offload" or "unload" && BareFractionBeforeCoin(c) is { } bare)
        {
            // "sell half eth": half an ETH, or half of the ETH position? Two different gated actions, so ask.
            var coin = SymbolResolver.BaseOf(c.Symbols[0]);
            Ask(c, $"Do you mean {bare} {coin} as an amount, or {c.WordAt(c.Index(bare == "0.5" ? "half" : bare == "0.25" ? "quarter" : "third"))} of your {coin} position? Say \"sell {bare} {coin}\" or \"close half my {coin}\".");
            return;
        }
        if (side >= 0)
        {
            Set(c, IsSellEverything(c, side) ? Intent.Close : Intent.Order, side);
            return;
        }
        if (MoneyBuyIndex(c) is var money and >= 0)
        {
            c.ImpliedBuy = true;
            Set(c, Intent.Order, money);
            return;
        }
        if (PlaceOrderIndex(c) is var place and >= 0)
        {
            Set(c, Intent.Order, place);
            return;
        }

        var cv = c.Index(Lexicon.CancelVerbs);
        if (cv >= 0 && (c.HasAny(Lexicon.OrderNouns) || (c.Symbols.Count > 0 && c.Systems.Count == 0)
            || (c.AllWord && c.WordAt(cv) is "cancel" or "clear" && c.Systems.Count == 0)))
        {
            Set(c, Intent.Cancel, cv);
            return;
        }
        if (cv >= 0 && c.WordAt(cv) == "cancel" && c.Systems.Count == 0)
        {
            c.Intent = Intent.Nothing;
            c.Reason = "There's nothing pending to cancel here. To cancel orders say \"cancel all orders\" or \"cancel my BTC orders\".";
            return;
        }

        if (ClassifyLifecycle(c, tradingObject)) return;
        if (ClassifyExec(c)) return;
        ClassifyReadOnly(c);
    }

    /// <summary>
    /// A report of the past ("I restarted charlie earlier", "bravo crashed last night", "charlie was down yesterday"):
    /// a subject first (I, we, my friend, a system, a coin) and a past-tense verb right after it, not a question.
    /// </summary>
    internal bool IsStatement(Clause c)
    {
        if (c.QuestionForm || c.Polite) return false;
        var first = c.FirstContent();
        if (first >= c.Tokens.Count || !c.Tokens[first].IsWord) return false;
        var w = c.WordAt(first);
        var k = first;
        if (w is "i" or "we" or "he" or "she" or "they" or "someone" or "somebody" or "you" or "it" or "everything" or "everyone") k = first + 1;
        else if (w is "my" or "our" or "his" or "her" or "their" or "the" or "your")
        {
            k = first + 1;
            while (k < c.Tokens.Count && k <= first + 3 && c.Tokens[k].IsWord && !Lexicon.PastVerbs.Contains(c.WordAt(k))) k++;
        }
        else if (MatchSystem(c.Tokens, first, out _, out var length) || MatchSymbol(c.Tokens, first, out _, out length))
        {
            k = first + length;
            while (k < c.Tokens.Count && Lexicon.SystemFillers.Contains(c.WordAt(k))) k++;
        }
        else return false;
        while (c.WordAt(k) is "already" or "just" or "also" or "actually" or "accidentally" or "have" or "had" or "has" or "all" or "both" or "literally" or "totally" or "completely" or "apparently")
            k++;
        return Lexicon.ReportingVerbs.Contains(c.WordAt(k)) || (Lexicon.PastVerbs.Contains(c.WordAt(k)) && c.WordAt(k + 1) is not "to");
    }

    /// <summary>Questions about the world or about words ("what's the capital of italy", "who built you", "what does leverage mean?").</summary>
    private static bool IsOffTopicQuestion(Clause c)
    {
        var first = c.FirstContent();
        var w = c.WordAt(first);
        if (w is "who" or "whom" or "whose") return true;
        if (w is "what" && c.WordAt(first + 1) is "time" or "day" or "date" or "year" && c.Symbols.Count == 0 && c.Systems.Count == 0) return true;
        if (c.HasAny("mean", "means", "meaning", "define", "definition", "explain", "explanation", "difference", "joke", "jokes")) return true;
        if (w is "what" && c.WordAt(first + 1) is "is" or "are" && c.WordAt(first + 2) is "a" or "an") return true;
        if (w is "what" && c.WordAt(first + 1) is "is" or "are" && first + 3 == c.Tokens.Count && c.Symbols.Count == 1 && c.WordAt(first + 2).Length >= 6) return true;
        if (w is "how" && c.WordAt(first + 1) is "do" or "does" or "can" or "to" && c.Unknown.Count > 0 && c.Systems.Count == 0 && c.Symbols.Count == 0) return true;
        if (c.Has("capital") && !c.HasAny("my", "our", "your", "howmuch", "available", "left", "free", "total")) return true;
        if (c.HasAny("tax", "taxes", "taxed", "owe")) return true;
        if (w is "what" or "why" && c.WordAt(first + 1) is "made" or "caused" or "makes" or "causes") return true;
        if (w is "how" && c.WordAt(first + 1) is "do" or "can" or "should" && c.WordAt(first + 2) is "i" or "we" or "you" or "one"
            && c.WordAt(first + 3) is "make" or "earn" or "get" or "become" or "learn" or "start" or "invest" or "trade" && c.Systems.Count == 0) return true;
        if (c.Has("about") && c.Unknown.Count > 0 && c.Systems.Count == 0 && c.Symbols.Count == 0) return true;
        return false;
    }

    private static bool IsCloseVerb(Clause c, int i)
    {
        if (c.WordAt(i) is "reduce" or "trim" or "cut")
            return (c.Symbols.Count > 0 || c.HasAny(Lexicon.PositionNouns)) && !c.HasAny("leverage", "lev");
        if (c.WordAt(i) is "exit" && c.Systems.Count > 0) return false;
        return true;
    }

    private static bool IsSideWord(string w) => Lexicon.BuyVerbs.Contains(w) || Lexicon.SellVerbs.Contains(w);

    private static int SideVerbIndex(Clause c)
    {
        var first = c.FirstContent();
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var w = c.WordAt(i);
            if (Lexicon.AmountBuyVerbs.Contains(w))
            {
                if (IsAmountBuy(c, i)) return i;
                continue;
            }
            if (!IsSideWord(w)) continue;
            if (w is "long" or "short" && OpensPosition(c, i)) return i;
            var prev = c.WordAt(i - 1);
            var next = i + 1 < c.Tokens.Count ? c.Tokens[i + 1] : default;
            if (NotVerbBefore.Contains(prev) && i != first) continue;
            if (next.IsWord && (Lexicon.OrderNouns.Contains(next.Text) || next.Text is "side" or "orders" or "position" or "positions" or "signal" or "signals" or "pressure")) continue;
            if (w is "long" or "short" or "dump" or "bid" && i != first && !next.IsNumber && !(next.IsWord && SymbolResolver.Coins.ContainsKey(next.Text))
                && prev is not "to" and not "please" and not "limit" and not "market" and not "canyou" and not "and") continue;
            return i;
        }
        return -1;
    }

    /// <summary>A word with a meaning of its own (not a filler, greeting, system filler or state word) that gave the clause no intent.</summary>
    private static bool HasStrayWord(Clause c)
    {
        foreach (var t in c.Tokens)
        {
            if (!t.IsWord || SymbolResolver.Coins.ContainsKey(t.Text)) continue;
            if (Lexicon.Fillers.Contains(t.Text) || Lexicon.Chit.Contains(t.Text) || Lexicon.SystemFillers.Contains(t.Text) || Lexicon.StatusWeak.Contains(t.Text)
                || Lexicon.PriceNouns.Contains(t.Text) || t.Text is "coin" or "coins" or "token" or "usdt" or "perp" or "spot" or "pair" or "symbol" or "ticker" or "please" or "canyou") continue;
            return true;
        }
        return false;
    }

    /// <summary>"half eth", "a third sol" with no article or "my": the amount it would be as a quantity, else null.</summary>
    internal static string? BareFractionBeforeCoin(Clause c)
    {
        if (c.Symbols.Count != 1) return null;
        for (var i = 0; i + 1 < c.Tokens.Count; i++)
            if (c.WordAt(i) is "half" or "quarter" or "third" && c.Tokens[i + 1].IsWord && SymbolResolver.Coins.ContainsKey(c.Tokens[i + 1].Text))
                return c.WordAt(i) switch { "half" => "0.5", "quarter" => "0.25", _ => "0.33" };
        return null;
    }

    /// <summary>"grab 0.1 btc", "get me 300 bucks of eth": a buy only when an amount follows and a coin is named.</summary>
    private static bool IsAmountBuy(Clause c, int i)
    {
        if (c.Symbols.Count == 0 || c.HasAny(Lexicon.LogNouns) || c.HasAny(Lexicon.TradeNouns) || c.HasAny(Lexicon.OrderNouns)) return false;
        var k = i + 1;
        while (c.WordAt(k) is "me" or "us" or "myself" or "up" or "on") k++;
        return k < c.Tokens.Count && c.Tokens[k].IsNumber && !c.Tokens[k].Has(NumberFlags.Percent) && !c.Tokens[k].Has(NumberFlags.Leverage);
    }

    /// <summary>"open a 5x short on 2 sol", "2x long half an eth", "take a 4x short": long/short as the position being opened.</summary>
    private static bool OpensPosition(Clause c, int i)
    {
        var p = i - 1;
        var leverage = false;
        while (p >= 0 && (c.WordAt(p) is "a" or "an" || c.Tokens[p].Has(NumberFlags.Leverage)))
        {
            leverage |= c.Tokens[p].Has(NumberFlags.Leverage);
            p--;
        }
        var opener = c.WordAt(p) is "open" or "enter" or "take" or "place" or "start" or "initiate" or "put" or "go" or "want" or "please" or "canyou";
        if (!opener && p >= 0 && !(leverage && c.WordAt(p) is "please" or "and" or "then")) return false;
        return c.Tokens.Exists(t => t.IsNumber && !t.Has(NumberFlags.Leverage) && !t.Has(NumberFlags.Percent));
    }

    /// <summary>
    /// Money put into a coin without a buy verb: "throw $300 at eth", "allocate 200 usdt to sol", "I want 150 dollars of
    /// link", "$120 of btc please". Needs a money amount (a currency marker or word), exactly one coin, and a money verb
    /// or the amount first.
    /// </summary>
    private static int MoneyBuyIndex(Clause c)
    {
        if (c.Symbols.Count != 1 || c.Systems.Count > 0) return -1;
        var amount = -1;
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (!t.IsNumber || t.Has(NumberFlags.Percent) || t.Has(NumberFlags.Leverage)) continue;
            if (t.Has(NumberFlags.Dollar) || c.WordAt(i + 1) is "usdt" or "usd" or "usdc" or "dollars" or "dollar" or "bucks" or "quid")
            {
                amount = i;
                break;
            }
        }
        if (amount < 0) return -1;
        if (c.HasAny(Lexicon.LogNouns) || c.HasAny(Lexicon.TradeNouns) || c.HasAny(Lexicon.OrderNouns) || c.HasAny(Lexicon.PositionNouns)
            || c.HasAny(Lexicon.BalanceNouns) || c.HasAny(Lexicon.PnlNouns) || c.HasAny("price", "prices", "cost", "costs")) return -1;
        for (var i = 0; i < amount; i++)
            if (Lexicon.MoneyVerbs.Contains(c.WordAt(i))) return i;
        return c.FirstContent() == amount ? amount : -1;
    }

    private static bool IsSellEverything(Clause c, int side)
    {
        if (!(c.WordAt(side) is "sell" or "dump" or "offload" or "unload")) return false;
        var wholeish = c.AllWord || c.HasAny("half", "third", "thirds", "quarter", "quarters") || c.HasAny(Lexicon.PositionNouns)
            || c.Tokens.Any(t => t.Has(NumberFlags.Percent));
        var myCoin = c.Has("my") && c.Symbols.Count > 0;
        var quantity = c.Tokens.Any(t => t.IsNumber && !t.Has(NumberFlags.Percent));
        return (wholeish || myCoin) && !quantity;
    }

    private static int PlaceOrderIndex(Clause c)
    {
        var o = c.Index(Lexicon.OrderNouns);
        if (o < 0) return -1;
        var p = c.Index(Lexicon.PlaceVerbs);
        if (p >= 0 && p < o && c.WordAt(p) != "open" && c.Index(Lexicon.ViewVerbs) is var v && (v < 0 || v > p)) return p;
        var first = c.FirstContent();
        if (c.WordAt(first) is "limit" or "market" && first + 1 == o) return first;
        return -1;
    }

    private static int FirstReadOnlyNoun(Clause c)
    {
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var w = c.WordAt(i);
            if (w.Length == 0) continue;
            if (Lexicon.LogNouns.Contains(w) || Lexicon.DiagNouns.Contains(w) || Lexicon.StatusStrong.Contains(w)
                || Lexicon.BalanceNouns.Contains(w) || Lexicon.TradeNouns.Contains(w) || Lexicon.PriceNouns.Contains(w)
                || Lexicon.PositionNouns.Contains(w) || (Lexicon.PnlNouns.Contains(w) && w is not "make" and not "made") || Lexicon.OrderNouns.Contains(w))
                return i;
        }
        return -1;
    }

    private static bool ClassifyLifecycle(Clause c, bool tradingObject)
    {
        var head = -1;
        var intent = Intent.Unknown;
        for (var i = 0; i < c.Tokens.Count && head < 0; i++)
        {
            var w = c.WordAt(i);
            if (w.Length == 0) continue;
            if (Lexicon.StopVerbs.Contains(w)) { head = i; intent = Intent.Stop; }
            else if (Lexicon.RestartVerbs.Contains(w)) { head = i; intent = Intent.Restart; }
            else if (Lexicon.StartVerbs.Contains(w)) { head = i; intent = Intent.Start; }
            else if (Lexicon.ParticleHeads.Contains(w))
            {
                for (var j = i + 1; j < c.Tokens.Count && j <= i + 5; j++)
                {
                    var p = c.WordAt(j);
                    if (Lexicon.UpParticles.Contains(p)) { head = i; intent = Intent.Start; break; }
                    if (Lexicon.DownParticles.Contains(p)) { head = i; intent = Intent.Stop; break; }
                }
            }
        }
        if (head < 0) return false;
        var headWord = c.WordAt(head);
        var readOnly = FirstReadOnlyNoun(c);
        if (headWord is "get" or "bring" or "pull" or "put" or "fire" && readOnly >= 0) return false;
        if (readOnly >= 0 && readOnly < head) return false;
        if (c.Index(Lexicon.ViewVerbs) is var v and >= 0 && v < head && readOnly >= 0) return false;
        if (headWord is "refresh" or "reload" && readOnly >= 0) return false;

        var next = c.WordAt(head + 1);
        if (intent == Intent.Stop && next.EndsWith("ing", StringComparison.Ordinal) && next is not "trading" and not "everything" and not "nothing")
        {
            Ask(c, "What exactly should I stop? Name a system (e.g. \"stop alpha\") or say \"killswitch\" to stop all trading.");
            return true;
        }
        if (tradingObject)
        {
            if (intent == Intent.Stop) Set(c, Intent.Killswitch, head);
            else Ask(c, "Do you mean resume trading after a killswitch (\"resume trading\") or start every trading system (\"deploy all\")?");
            return true;
        }
        Set(c, intent, head);
        return true;
    }

    private bool ClassifyExec(Clause c)
    {
        var x = c.Index(Lexicon.ExecVerbs);
        if (x < 0) return false;
        var w = c.WordAt(x);
        var first = c.FirstContent();
        if (FindCommandIndex(c) >= 0 && (w is not "do" and not "trigger" || x == first) && FirstReadOnlyNoun(c) is var ro && (ro < 0 || ro > x))
        {
            Set(c, Intent.Exec, x);
            return true;
        }
        if (w is "execute" or "exec" || (w == "run" && x == first && c.Systems.Count > 0 && c.Unknown.Count > 0 && FirstReadOnlyNoun(c) < 0))
        {
            Set(c, Intent.Exec, x);
            return true;
        }
        if (w == "run" && x == first && c.Systems.Count > 0 && FirstReadOnlyNoun(c) < 0 && !c.HasAny(Lexicon.StatusWeak) && !c.HasAny(Lexicon.HelpNouns))
        {
            var s = c.Systems[0];
            Ask(c, $"Do you want me to start {s} (\"start {s}\") or run an allowlisted command on it (\"run <command> on {s}\")?");
            return true;
        }
        return false;
    }

    private int FindCommandIndex(Clause c)
    {
        for (var i = 0; i < c.Tokens.Count; i++)
            if (c.Tokens[i].IsWord && _commands.Contains(c.Tokens[i].Text)) return i;
        return -1;
    }

    private void ClassifyReadOnly(Clause c)
    {
        int i;
        if ((i = c.Index(Lexicon.LogNouns)) >= 0 && !(c.WordAt(i) is "line" or "lines" or "output" or "error" or "errors" && c.Systems.Count == 0 && !c.HasAny("last", "tail", "show", "any", "recent", "latest")))
        {
            Set(c, Intent.Logs, i);
            return;
        }
        if ((i = c.Index(Lexicon.DiagNouns)) >= 0) { Set(c, Intent.Diagnostics, i); return; }
        if ((i = c.Index(Lexicon.HelpNouns)) >= 0) { Set(c, Intent.Help, i); return; }
        if ((i = c.Index(Lexicon.TradeNouns)) >= 0 && !(c.WordAt(i) == "trade" && c.HasNumber() && c.Symbols.Count > 0 && !c.HasAny("last", "recent", "latest"))
            && !(c.WordAt(i) == "history" && c.Unknown.Count > 0))
        {
            Set(c, Intent.Trades, i);
            return;
        }
        if ((i = c.Index(Lexicon.OrderNouns)) >= 0) { Set(c, Intent.OrderList, i); return; }
        if ((i = c.Index(Lexicon.PositionNouns)) >= 0) { Set(c, Intent.Positions, i); return; }
        if ((i = PnlIndex(c)) >= 0) { Set(c, Intent.Pnl, i); return; }
        if ((i = c.Index(Lexicon.BalanceNouns)) >= 0 || (c.Has("howmuch") && c.Symbols.Count == 0 && (i = c.Index("howmuch")) >= 0 && c.HasAny("usdt", "usd", "dollars", "have", "got", "left", "available")))
        {
            Set(c, Intent.Balance, i);
            return;
        }
        if (c.Has("howmuch") && c.Symbols.Count > 0 && c.HasAny("have", "own", "hold", "got"))
        {
            Set(c, Intent.Positions, c.Index("howmuch"));
            return;
        }
        if ((i = c.Index(Lexicon.PriceNouns)) >= 0 && c.Symbols.Count > 0 || (c.Symbols.Count > 0 && c.Systems.Count == 0
            && (c.QuestionForm || c.HasAny(Lexicon.ViewVerbs) || c.HasAny("howmuch", "doing", "trading"))))
        {
            Set(c, Intent.Price, Math.Max(0, i));
            return;
        }
        if ((i = c.Index(Lexicon.PriceNouns)) >= 0 && c.WordAt(i) is "price" or "prices" or "quote" or "ticker" or "tradingat")
        {
            Set(c, Intent.Price, i);
            return;
        }
        if ((i = c.Index(Lexicon.StatusStrong)) >= 0) { Set(c, Intent.Status, i); return; }
        if (c.Symbols.Count == 0 && ((i = c.Index(Lexicon.StatusWeak)) >= 0 || (i = c.Index(Lexicon.ViewVerbs)) >= 0 || (i = c.Index("how")) >= 0)
            && (c.Systems.Count > 0 || c.AllWord || c.Pronoun is not null || c.HasAny(Lexicon.FleetPlurals)
                || c.WordAt(i) is "running" or "up" or "down" or "online" or "alive" or "check" or "working" or "whatsup"))
        {
            Set(c, Intent.Status, i);
            return;
        }
        if (c.Systems.Count > 0 || c.Symbols.Count > 0)
        {
            if (c.Unknown.Count > 0)
            {
                // "stpo bravo", "btc is pumping hard": a name in a sentence the grammar doesn't understand is not a reason to act on it.
                var word = c.Unknown[0];
                if (c.Systems.Count > 0)
                {
                    var system = c.Systems[0];
                    var suggestion = _typos.Suggest(word) is { } s ? $" Did you mean \"{s} {system}\"?" : "";
                    Ask(c, $"I'm not sure what to do with {system}: I don't know the word \"{word}\".{suggestion} Say e.g. \"status of {system}\" or \"restart {system}\".");
                }
                else
                {
                    c.Intent = Intent.Nothing;
                    var coin = SymbolResolver.BaseOf(c.Symbols[0]);
                    c.Reason = $"I'm not sure what you want me to do about {coin}. Ask e.g. \"price of {coin}\", or tell me what to trade (\"buy 0.1 {coin}\").";
                }
                return;
            }
            if (c.WordAt(c.FirstContent()) is "if" or "when" or "once" or "whenever" or "unless")
            {
                Ask(c, "I can only watch a price as part of an order, e.g. \"buy 0.1 BTC when it drops below 60000\". What should I do?");
                return;
            }
            c.BareEntity = true;
            if (c.Symbols.Count > 0 && c.Systems.Count == 0 && (c.HasNumber() || c.HasAny(Lexicon.MoneyVerbs) && !c.Has("please") || HasStrayWord(c)))
            {
                // "throw 300 at eth", "btc is pumping": not a price question, and not clear enough to trade on. Decided
                // after the clause had its chance to continue the one before ("buy 0.1 btc and 2 eth").
                var coin = SymbolResolver.BaseOf(c.Symbols[0]);
                if (c.HasNumber() && c.HasAny(Lexicon.MoneyVerbs))
                {
                    var n = c.Tokens.First(t => t.IsNumber).ToString();
                    c.Question = $"Do you mean {n} USDT worth of {coin}? Say \"buy ${n} of {coin}\", or give a quantity (\"buy {n} {coin}\").";
                }
                else c.Reason = $"I'm not sure what you want me to do about {coin}. Ask e.g. \"price of {coin}\", or tell me what to trade (\"buy 0.1 {coin}\").";
            }
            return;
        }
        if (c.Tokens.All(t => t.Kind != TokenKind.Word || Lexicon.Chit.Contains(t.Text) || Lexicon.Fillers.Contains(t.Text)) && c.HasAny(ChitCore))
            c.Intent = Intent.Chat;
    }

    private static int PnlIndex(Clause c)
    {
        var i = c.Index(Lexicon.PnlNouns);
        if (i >= 0 && c.WordAt(i) is "made" or "make" or "earn" or "earned" or "lost" or "lose" or "gain" or "gains" or "gained" or "return" or "returns"
            && (c.Unknown.Count > 0 || !(c.HasAny("i", "we", "us", "our", "my") || c.Systems.Count > 0 || c.AllWord)))
        {
            var other = -1;
            for (var k = 0; k < c.Tokens.Count && other < 0; k++)
                if (Lexicon.PnlNouns.Contains(c.WordAt(k)) && c.WordAt(k) is not ("made" or "make" or "earn" or "earned" or "lost" or "lose" or "gain" or "gains" or "gained" or "return" or "returns")) other = k;
            i = other;
        }
        if (i >= 0) return i;
        var how = c.Index("how");
        if (how >= 0 && (c.Has("did") || (c.HasAny("we", "i", "us") && c.HasAny("doing", "do"))) && c.Symbols.Count == 0) return how;
        if (c.HasAny("am", "are") && c.HasAny("i", "we") && c.HasAny("up", "down")) return c.Index("up") is var u and >= 0 ? u : c.Index("down");
        return -1;
    }

    private bool ClassifyReport(Clause c)
    {
        var rn = c.Index(Lexicon.ReportNouns);
        var sitrep = c.Index("sitrep");
        var kind = ReportKindOf(c);
        var send = c.HasAny(Lexicon.SendVerbs);
        var marker = HasScheduleMarker(c);
        var unschedule = c.Has("unschedule");
        var scheduledWord = c.HasAny("scheduled", "schedules") && c.Systems.Count == 0 && c.Symbols.Count == 0;
        var scheduleVerb = c.WordAt(c.FirstContent()) == "schedule";
        var isReport = rn >= 0 || unschedule || scheduledWord || (sitrep >= 0 && (send || marker))
            || (c.Has("schedule") && (kind is not null || scheduleVerb));
        if (!isReport) return false;
        var head = rn >= 0 ? rn : sitrep >= 0 ? sitrep : Math.Max(0, c.FirstContent());

        if (rn > 0 && c.WordAt(rn - 1) == "status" && !send && !marker && !c.HasAny(Lexicon.ReportStopVerbs) && !unschedule)
        {
            Set(c, Intent.Status, rn - 1);
            return true;
        }
        var notWord = c.HasAny("not", "never");
        var stopVerb = c.HasAny(Lexicon.ReportStopVerbs) || c.Has("turn") && c.Has("off");
        if (unschedule || (stopVerb && !notWord)) Set(c, Intent.ReportCancel, head);
        else if (notWord && !stopVerb && (send || c.HasAny("anymore", "nomore")))
        {
            Set(c, Intent.ReportCancel, head);
            c.Negated = false;
        }
        else if (notWord)
        {
            c.Intent = Intent.Nothing;
            c.Reason = "That reads as a negation (\"don't …\"), so there is nothing to do.";
        }
        else if (marker) Set(c, Intent.ReportSchedule, head);
        else if (scheduledWord || c.HasAny("list", "active", "pending", "subscriptions", "subscribed", "upcoming", "configured", "existing")
                 || (c.Has("reports") && kind is null) || (c.Has("schedule") && !scheduleVerb))
            Set(c, Intent.ReportList, head);
        else if (scheduleVerb) Set(c, Intent.ReportSchedule, head);
        else Set(c, Intent.ReportSend, head);
        return true;
    }

    private static Plans.ReportKind? ReportKindOf(Clause c)
    {
        Plans.ReportKind? daily = null;
        foreach (var t in c.Tokens)
        {
            if (!t.IsWord) continue;
            switch (t.Text)
            {
                case "pnl" or "profit" or "profits" or "performance" or "earnings": return Plans.ReportKind.Pnl;
                case "sitrep" or "status" or "health": return Plans.ReportKind.Sitrep;
                case "summary" or "digest" or "recap" or "briefing": daily = Plans.ReportKind.Daily; break;
                case "daily": daily = Plans.ReportKind.Daily; break;
            }
        }
        return daily;
    }

    private static bool HasScheduleMarker(Clause c)
    {
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (t.Kind == TokenKind.Time) return true;
            if (!t.IsWord) continue;
            switch (t.Text)
            {
                case "every" or "hourly" or "weekly" or "monthly" or "nightly" or "recurring" or "regularly" or "noon" or "midnight":
                    return true;
                case "daily":
                    var next = c.WordAt(i + 1);
                    if (!(Lexicon.ReportNouns.Contains(next) || next is "pnl" or "sitrep" or "profit" or "status")) return true;
                    break;
                case "at" when i + 1 < c.Tokens.Count && c.Tokens[i + 1] is { IsNumber: true, Flags: NumberFlags.None } n && n.Value <= 24 && n.Value == decimal.Truncate(n.Value):
                    return true;
                case "schedule" when i == c.FirstContent():
                    return true;
                default:
                    if (Lexicon.WeekdayNames.Contains(t.Text)) return true;
                    break;
            }
        }
        return false;
    }
}
