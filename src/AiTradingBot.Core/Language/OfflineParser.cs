using System.Collections.Frozen;
using AiTradingBot.Core.Conversation;
using AiTradingBot.Core.Plans;
using AiTradingBot.Core.Plans.Actions;
using AiTradingBot.Core.Systems;

namespace AiTradingBot.Core.Language;

/// <summary>
/// The offline free-text interpreter: a deterministic grammar (tokenizer → clauses → intents → typed arguments)
/// over the action catalog. No network, no model, microseconds per message. It fails closed: a missing required
/// argument, an unknown name or a half-understood message with a gated step becomes a question, and negations,
/// hypotheticals and requests for advice become <see cref="PlanKind.None"/>.
/// </summary>
public sealed partial class OfflineParser : IInterpreter
{
    /// <summary>Longer messages are refused rather than parsed.</summary>
    public const int MaxLength = 1000;

    /// <summary>The reason given when the parser itself failed (tests assert it never happens).</summary>
    internal const string InternalErrorReason = "I couldn't make sense of that message. Try /help.";

    private static readonly FrozenSet<string> ChitCore = FrozenSet.ToFrozenSet(
    [
        "hello", "hi", "hey", "yo", "hiya", "howdy", "greetings", "thanks", "cheers", "ok", "okay", "k", "kk", "cool", "nice",
        "great", "awesome", "perfect", "good", "lol", "haha", "bye", "goodbye", "nevermind", "whatsup", "howareyou",
        "whoareyou", "yes", "no", "yep", "nope", "yeah", "sure", "gm", "gn", "cya", "welcome", "sorry", "oops", "hmm", "hm",
        "test", "testing", "ping", "wow", "amazing", "excellent", "brilliant", "appreciate", "appreciated", "alright",
        "understood", "noted", "ack", "roger", "morning",
    ]);

    private readonly SystemRegistry _systems;
    private readonly Tokenizer _tokenizer;
    private readonly FrozenDictionary<string, string> _systemWords;
    private readonly FrozenDictionary<string, (string[] Tail, string Name)[]> _systemPhrases;
    private readonly FrozenSet<string> _commands;
    private readonly string _systemChoices;
    private readonly string _systemNames;
    private readonly TypoCorrector _typos;

    /// <summary>A parser over the configured systems (names and aliases come from the registry, never the grammar).</summary>
    public OfflineParser(SystemRegistry systems)
    {
        ArgumentNullException.ThrowIfNull(systems);
        _systems = systems;
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        var phrases = new Dictionary<string, List<(string[], string)>>(StringComparer.Ordinal);
        foreach (var (key, system) in systems.Names)
        {
            var parts = key.ToLowerInvariant().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            if (parts.Length == 1) words[parts[0]] = system.Name;
            else
            {
                if (!phrases.TryGetValue(parts[0], out var list)) phrases[parts[0]] = list = [];
                list.Add((parts[1..], system.Name));
            }
        }
        _systemWords = words.ToFrozenDictionary(StringComparer.Ordinal);
        _systemPhrases = phrases.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.OrderByDescending(p => p.Item1.Length).ToArray(), StringComparer.Ordinal);
        _commands = systems.Systems.SelectMany(s => s.Commands.Keys).Select(k => k.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);
        _systemNames = JoinList(systems.Systems.Select(s => s.Name).ToList(), "and");
        _systemChoices = string.Join(", ", systems.Systems.Select(s => s.Name)) + (systems.TradingSystems.Count > 0 ? ", or all" : "");
        _tokenizer = new Tokenizer(w => _systemWords.ContainsKey(w));
        _typos = new TypoCorrector(_systemWords.Keys.Concat(_commands));
    }

    /// <inheritdoc />
    public ValueTask<Plan> InterpretAsync(InterpretRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(Parse(request.Text, request.Context));
    }

    /// <summary>The plan for one message. Never throws.</summary>
    public Plan Parse(string text, ConversationContext? context = null) => ParseWithVerdict(text, context).Plan;

    /// <summary>
    /// The plan plus whether the message was deliberately refused as a command (negation, hypothetical, advice,
    /// a question about a state-changing action, over-long input): a model must not turn those into actions.
    /// </summary>
    internal ParseVerdict ParseWithVerdict(string? text, ConversationContext? context)
    {
        var input = text ?? "";
        try
        {
            return ParseCore(input, context ?? ConversationContext.Empty);
        }
#pragma warning disable CA1031 // A parser bug must never take the chat down; the message is simply not acted on.
        catch (Exception)
#pragma warning restore CA1031
        {
            return new(Plan.Nothing(input, InternalErrorReason), Refused: true);
        }
    }

    private ParseVerdict ParseCore(string input, ConversationContext context)
    {
        if (string.IsNullOrWhiteSpace(input)) return new(Plan.Nothing(input, "The message is empty."), false);
        if (input.Length > MaxLength)
            return new(Plan.Nothing(input, $"That message is too long ({input.Length} characters; the limit is {MaxLength}). Please send one short instruction."), true);

        var tokens = new List<Token>(24);
        _tokenizer.Tokenize(input, tokens);
        if (!tokens.Any(t => t.Kind is TokenKind.Word or TokenKind.Number or TokenKind.Time or TokenKind.Quoted))
            return new(Plan.Nothing(input, "I didn't find any instruction in that. Try /help."), false);

        var corrections = _typos.Correct(input, tokens, out var corrected, out var typoQuestion);
        if (typoQuestion is not null)
        {
            // A word one edit from two known words is asked about only in a message that otherwise reads as a request:
            // "what's the capital of spain" stays an off-topic question, not "did you mean spin or spawn?".
            var plain = ParseTokens(input, tokens, context);
            return plain.Plan.Kind == PlanKind.None ? plain : new(Plan.Clarification(input, typoQuestion), false);
        }
        if (corrections.Count > 0)
        {
            _tokenizer.Tokenize(corrected, tokens);
            var verdict = ParseTokens(input, tokens, context);
            return verdict with { Plan = verdict.Plan with { Notes = corrections } };
        }
        return ParseTokens(input, tokens, context);
    }

    private ParseVerdict ParseTokens(string input, List<Token> tokens, ConversationContext context)
    {
        tokens = MoveLeadingCondition(tokens);

        if (ChitChatReason(tokens) is { } chat) return new(Plan.Nothing(input, chat), false);
        if (IsHypothetical(tokens))
            return new(Plan.Nothing(input, "That sounds like a what-if or a request for advice. I don't give trading advice or act on hypotheticals; tell me directly what to do."), true);

        if (IsReportedSpeech(tokens))
            return new(Plan.Nothing(input, "That's what someone else said, not an instruction from you, so I did nothing. If you want it done, tell me directly."), true);

        // Chart requests are matched whole, before the grammar (OfflineParser.Chart.cs); anything else falls through.
        if (ChartPlan(input, tokens) is { } chart) return new(chart, false);
        // "open the dashboard", "give me the web link": the same action as /web (OfflineParser.Dashboard.cs).
        if (DashboardLinkPlan(input, tokens) is { } dashboard) return new(dashboard, false);
        var clauses = ReadClauses(tokens);
        return Assemble(input, clauses, context);
    }

    /// <summary>
    /// "once eth rises above 4k, sell 1", "the moment btc drops under 60k grab 0.1": a price condition written before the
    /// order is moved after it ("sell 1 eth when it rises above 4000"), and the condition's coin becomes the order's coin
    /// when the order names none. Only a condition with a coin or "it", a number and nothing else before the order verb.
    /// </summary>
    private static List<Token> MoveLeadingCondition(List<Token> tokens)
    {
        var f = 0;
        while (f < tokens.Count && (tokens[f].Kind == TokenKind.Punct
            || tokens[f].IsWord && tokens[f].Text is "please" or "ok" or "okay" or "so" or "hey" or "hi" or "hello" or "yo" or "bot" or "and" or "then" or "just" or "canyou" or "alright" or "right" or "now")) f++;
        if (f >= tokens.Count || !tokens[f].IsWord) return tokens;
        var lead = tokens[f].Text;
        if (lead is not ("if" or "when" or "once" or "whenever" or "should")) return tokens;
        if (lead == "should" && !(f + 1 < tokens.Count && MatchSymbol(tokens, f + 1, out _, out _))) return tokens;

        int? coinAt = null;
        var coinLength = 0;
        var number = false;
        var end = -1;
        var orderStart = -1;
        for (var k = f + 1; k < tokens.Count; k++)
        {
            var t = tokens[k];
            if (t.Kind == TokenKind.Punct)
            {
                if (t.Text is "," or ";" or ":" or "-" && number) { end = k; orderStart = k + 1; }
                else if (t.Text is not ("," or "$")) return tokens;
                if (end >= 0) break;
                continue;
            }
            if (t.IsNumber) { if (t.Has(NumberFlags.Percent) || t.Has(NumberFlags.Leverage)) return tokens; number = true; continue; }
            if (!t.IsWord) return tokens;
            if (t.Text == "then" && number) { end = k; orderStart = k + 1; break; }
            if (number && IsOrderWord(t.Text)) { end = k; orderStart = k; break; }
            if (coinAt is null && MatchSymbol(tokens, k, out _, out var length)) { coinAt = k; coinLength = length; k += length - 1; continue; }
            if (IsOrderWord(t.Text) || Lexicon.Negations.Contains(t.Text)) return tokens;
        }
        if (end < 0 || orderStart >= tokens.Count) return tokens;
        var order = tokens.GetRange(orderStart, tokens.Count - orderStart);
        if (!order.Exists(t => t.IsWord && IsOrderWord(t.Text))) return tokens;
        // Only a single order: with more clauses after it the condition's reach is unclear, so the message is left as
        // written (a leading condition clause then stops any gated step).
        for (var k = 0; k < order.Count; k++)
            if (order[k].Kind == TokenKind.Punct && k < order.Count - 1 || order[k].IsWord && order[k].Text is "then" or "and" or "also" or "plus" or "but")
                return tokens;
        if (coinAt is null && !tokens.GetRange(f, end - f).Exists(t => t.Is("it") || t.Is("price"))) return tokens;

        var result = new List<Token>(tokens.Count + 2);
        result.AddRange(tokens.GetRange(0, f).Where(t => t.IsWord));
        var orderHasCoin = false;
        for (var k = 0; k < order.Count; k++)
            if (order[k].IsWord && MatchSymbol(order, k, out _, out _)) orderHasCoin = true;
        var inserted = orderHasCoin || coinAt is null;
        foreach (var t in order)
        {
            result.Add(t);
            if (!inserted && t.IsNumber)
            {
                result.AddRange(tokens.GetRange(coinAt!.Value, coinLength));
                inserted = true;
            }
        }
        if (!inserted) result.AddRange(tokens.GetRange(coinAt!.Value, coinLength));
        result.Add(Token.Word("when"));
        for (var k = f + 1; k < end; k++)
        {
            if (k == coinAt) { result.Add(Token.Word("it")); k += coinLength - 1; continue; }
            if (tokens[k].Kind == TokenKind.Punct) continue;
            result.Add(tokens[k]);
        }
        return result;
    }

    /// <summary>"my friend said to get out of btc", "someone told me to stop alpha and bravo": the whole message is a report.</summary>
    private bool IsReportedSpeech(List<Token> tokens)
    {
        var reporting = false;
        foreach (var t in tokens)
            if (t.IsWord && Lexicon.ReportingVerbs.Contains(t.Text)) { reporting = true; break; }
        if (!reporting) return false;
        var whole = new Clause(tokens, false);
        if (!IsStatement(whole)) return false;
        for (var i = 0; i < tokens.Count; i++)
            if (tokens[i].IsWord && Lexicon.ReportingVerbs.Contains(tokens[i].Text)) return i <= whole.FirstContent() + 4;
        return false;
    }

    private static bool IsOrderWord(string w) => Lexicon.BuyVerbs.Contains(w) || Lexicon.SellVerbs.Contains(w) || Lexicon.AmountBuyVerbs.Contains(w)
        || w is "close" or "exit" or "flatten" or "throw" or "allocate" or "spend" or "invest" or "put";

    private static string? ChitChatReason(List<Token> tokens)
    {
        var core = false;
        foreach (var t in tokens)
        {
            if (t.Kind == TokenKind.Punct) continue;
            if (t.Kind != TokenKind.Word || !Lexicon.Chit.Contains(t.Text)) return null;
            core |= ChitCore.Contains(t.Text);
        }
        if (!core) return null;
        foreach (var t in tokens)
        {
            if (t.Is("thanks") || t.Is("appreciate") || t.Is("cheers")) return "You're welcome.";
            if (t.Is("nevermind")) return "OK, never mind: nothing to do.";
            if (t.Is("bye") || t.Is("goodbye") || t.Is("cya") || t.Is("gn")) return "Bye.";
        }
        return "Hello! Ask me for a sitrep, logs, balance or PnL, or send /help.";
    }

    private static bool IsHypothetical(List<Token> tokens)
    {
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (!t.IsWord) continue;
            if (Lexicon.HypotheticalWords.Contains(t.Text)) return true;
            var next = i + 1 < tokens.Count ? tokens[i + 1] : default;
            var next2 = i + 2 < tokens.Count ? tokens[i + 2] : default;
            switch (t.Text)
            {
                case "would" when !next.Is("please") && !next.Is("kindly"):
                    return true;
                case "is" or "was" or "be" when next.Is("it") && next2.IsWord && next2.Text is "safe" or "wise" or "smart" or "ok" or "okay"
                    or "risky" or "dangerous" or "better" or "worth" or "goodidea" or "possible" or "bad" or "good" or "time"
                    or "advisable" or "necessary" or "sensible" or "a" or "too" or "wrong" or "right":
                    return true;
                case "good" or "bad" or "safe" or "smart" or "great" or "solid" or "wise" when next.IsWord && next.Text is "investment" or "bet" or "buy" or "entry" or "play" or "trade" or "hold":
                    return true;
                case "good" or "right" or "best" when next.Is("time") || next.Is("moment"):
                    return true;
                case "better" when next.Is("to") || next.Is("if"):
                    return true;
                case "worth" when next.Is("it") || (i > 0 && tokens[i - 1].Is("it")):
                    return true;
                case "if" when next.IsWord && next.Text is "i" or "we" or "you" or "they" or "someone":
                    return true;
            }
        }
        return false;
    }

    /// <summary>Splits at clause separators, keeping lists ("alpha and bravo", "cpu and memory") together.</summary>
    private List<(List<Token> Tokens, bool Question)> Split(List<Token> tokens)
    {
        var segments = new List<(List<Token>, bool)>(4);
        var current = new List<Token>(tokens.Count);
        void Flush(bool question)
        {
            if (current.Count > 0) segments.Add((current, question));
            else if (question && segments.Count > 0) segments[^1] = (segments[^1].Item1, true);
            current = new List<Token>(8);
        }
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == TokenKind.Punct)
            {
                switch (t.Text)
                {
                    case "?": Flush(true); break;
                    case "@": current.Add(Token.Word("at")); break;
                    case "," when IsListJoin(tokens, i): break;
                    default: Flush(false); break;
                }
                continue;
            }
            if (t.IsWord && t.Text == "then") { Flush(false); continue; }
            if (t.IsWord && t.Text is "and" or "also" or "plus" or "but" or "aswell" or "while")
            {
                if (IsListJoin(tokens, i)) continue;
                Flush(false);
                continue;
            }
            current.Add(t);
        }
        Flush(false);
        return segments;
    }

    private bool IsListJoin(List<Token> tokens, int i)
    {
        if (i == 0 || i + 1 >= tokens.Count) return false;
        var prev = tokens[i - 1];
        var j = i + 1;
        if (tokens[j].Is("and") || (tokens[j].Kind == TokenKind.Punct && tokens[j].Text == ",")) j++;
        if (j >= tokens.Count) return false;
        var next = tokens[j];
        if (!prev.IsWord || !next.IsWord) return false;
        var a = EntityClass(prev.Text);
        return a != 0 && a == EntityClass(next.Text);
    }

    private int EntityClass(string w)
    {
        if (_systemWords.ContainsKey(w)) return 1;
        if (Market.SymbolResolver.Coins.ContainsKey(w) && !AmbiguousCoins.Contains(w)) return 2;
        if (Lexicon.LogNouns.Contains(w)) return 3;
        if (Lexicon.DiagNouns.Contains(w)) return 4;
        if (Lexicon.PnlNouns.Contains(w)) return 5;
        if (Lexicon.BalanceNouns.Contains(w)) return 6;
        if (Lexicon.StatusStrong.Contains(w)) return 7;
        if (Lexicon.PositionNouns.Contains(w)) return 8;
        if (Lexicon.TradeNouns.Contains(w)) return 9;
        if (Lexicon.WeekdayNames.Contains(w)) return 10;
        return 0;
    }

    /// <summary>Reads clauses and resolves elliptic continuations ("stop alpha now, and bravo too", "… and tp at 48k").</summary>
    private List<Clause> ReadClauses(List<Token> tokens)
    {
        var clauses = new List<Clause>(4);
        foreach (var (segment, question) in Split(tokens))
        {
            var c = Analyze(segment, question);
            if (c.Intent == Intent.Unknown && clauses.Count > 0 && clauses[^1] is { Intent: not (Intent.Unknown or Intent.Chat or Intent.Nothing or Intent.Clarify) } prev)
            {
                if (Continues(prev, c))
                {
                    var head = prev.WordAt(prev.Head);
                    var withHead = new List<Token>(c.Tokens.Count + 1) { Token.Word(SyntheticHead(prev.Intent, head)) };
                    withHead.AddRange(c.Tokens);
                    var again = Analyze(withHead, question);
                    if (again.Intent == prev.Intent || again.Intent is Intent.Clarify) { clauses.Add(again); continue; }
                }
                if (IsIgnorable(c)) continue;
                if (HasModifiers(c))
                {
                    var joined = new List<Token>(prev.Tokens.Count + c.Tokens.Count + 1);
                    joined.AddRange(prev.Tokens);
                    joined.Add(Token.Word("and"));
                    joined.AddRange(c.Tokens);
                    var merged = Analyze(joined, prev.QuestionMark || question);
                    if (merged.Intent == prev.Intent || merged.Intent == Intent.Clarify) { clauses[^1] = merged; continue; }
                }
            }
            // "set leverage to 5x and buy 1 eth", "buy 1 eth, use 10x": leverage said in a clause of its own belongs to the order.
            if (clauses.Count > 0 && (IsLeverageOnly(c) && clauses[^1].Intent == Intent.Order || c.Intent == Intent.Order && IsLeverageOnly(clauses[^1])))
            {
                var (order, leverage) = c.Intent == Intent.Order ? (c, clauses[^1]) : (clauses[^1], c);
                var joined = new List<Token>(order.Tokens.Count + leverage.Tokens.Count + 1);
                joined.AddRange(order.Tokens);
                joined.Add(Token.Word("with"));
                joined.AddRange(leverage.Tokens.Where(t => t.IsNumber || t.Is("leverage")));
                clauses[^1] = Analyze(joined, order.QuestionMark || question);
                continue;
            }
            // "close my eth and my sol positions", "cancel my btc and my eth orders": the second noun phrase shares the verb.
            if (clauses.Count > 0 && c.Symbols.Count > 0 && !c.QuestionForm && c.Index(Lexicon.ViewVerbs) < 0
                && (clauses[^1].Intent == Intent.Close && c.Intent == Intent.Positions || clauses[^1].Intent == Intent.Cancel && c.Intent == Intent.OrderList))
            {
                var withHead = new List<Token>(c.Tokens.Count + 1) { Token.Word(clauses[^1].Intent == Intent.Close ? "close" : "cancel") };
                withHead.AddRange(c.Tokens);
                clauses.Add(Analyze(withHead, question));
                continue;
            }
            // ", stop at 40k" after an order is its stop-loss, not a system stop.
            if (c.Intent == Intent.Stop && c.Systems.Count == 0 && c.HasNumber() && clauses.Count > 0 && clauses[^1].Intent == Intent.Order)
            {
                var order = clauses[^1];
                var joined = new List<Token>(order.Tokens.Count + c.Tokens.Count + 1);
                joined.AddRange(order.Tokens);
                joined.Add(Token.Word("and"));
                joined.AddRange(c.Tokens);
                clauses[^1] = Analyze(joined, order.QuestionMark || question);
                continue;
            }
            if (c.BareEntity)
                c.Intent = c.Question is not null ? Intent.Clarify : c.Reason is not null ? Intent.Nothing : c.Systems.Count > 0 ? Intent.Status : Intent.Price;
            else if (c.Intent == Intent.Unknown && IsIgnorable(c) && clauses.Count > 0) continue;
            clauses.Add(c);
        }
        return clauses;
    }

    /// <summary>A clause that only sets leverage ("set leverage to 5x", "use 10x leverage").</summary>
    private static bool IsLeverageOnly(Clause c)
    {
        if (c.Intent is not (Intent.Unknown or Intent.Start) || c.Symbols.Count > 0 || c.Systems.Count > 0 || c.Negated) return false;
        var leverage = false;
        for (var i = 0; i < c.Tokens.Count; i++)
        {
            var t = c.Tokens[i];
            if (t.Has(NumberFlags.Leverage) || (t.IsNumber && (c.WordAt(i - 1) is "leverage" or "lev" || c.WordAt(i - 2) is "leverage" or "lev"))) { leverage = true; continue; }
            if (t.IsNumber) return false;
            if (t.IsWord && !(t.Text is "set" or "use" or "leverage" or "lev" or "to" or "at" or "with" or "of" or "make" or "it" or "x" or "times"
                || Lexicon.Fillers.Contains(t.Text))) return false;
        }
        return leverage;
    }

    private static string SyntheticHead(Intent intent, string head) => intent switch
    {
        Intent.Order => head is "sell" or "short" or "dump" or "offload" ? "sell" : "buy",
        Intent.Stop => "stop",
        Intent.Start => "start",
        Intent.Restart => "restart",
        Intent.Status => "status",
        Intent.Diagnostics => "diagnostics",
        Intent.Logs => "logs",
        Intent.Exec => "execute",
        Intent.Close => "close",
        Intent.Cancel => "cancel",
        Intent.OrderList => "orders",
        Intent.Positions => "positions",
        Intent.Price => "price",
        Intent.Pnl => "pnl",
        Intent.Trades => "trades",
        _ => head,
    };

    private static bool Continues(Clause prev, Clause c)
    {
        var systemIntent = prev.Intent is Intent.Status or Intent.Diagnostics or Intent.Logs or Intent.Start or Intent.Stop
            or Intent.Restart or Intent.Exec or Intent.Pnl or Intent.Trades;
        var symbolIntent = prev.Intent is Intent.Order or Intent.Close or Intent.Cancel or Intent.OrderList or Intent.Positions
            or Intent.Price or Intent.Trades;
        return (systemIntent && c.Systems.Count > 0) || (symbolIntent && c.Symbols.Count > 0);
    }

    private static bool IsIgnorable(Clause c)
    {
        if (c.Systems.Count > 0 || c.Symbols.Count > 0 || c.Unknown.Count > 0) return false;
        foreach (var t in c.Tokens)
        {
            if (t.Kind != TokenKind.Word) return false;
            if (!Lexicon.Fillers.Contains(t.Text) && !Lexicon.Chit.Contains(t.Text) && !Lexicon.StatusWeak.Contains(t.Text)) return false;
        }
        return true;
    }

    private static bool HasModifiers(Clause c)
    {
        foreach (var t in c.Tokens)
        {
            if (t.Kind is TokenKind.Number or TokenKind.Time or TokenKind.Quoted) return true;
            if (t.IsWord && Lexicon.Known.Contains(t.Text) && !Lexicon.Fillers.Contains(t.Text) && !Lexicon.Chit.Contains(t.Text)) return true;
        }
        return false;
    }

    private static bool IsGated(Intent intent) => intent is Intent.Start or Intent.Stop or Intent.Restart or Intent.Exec
        or Intent.Killswitch or Intent.Resume or Intent.Order or Intent.Close or Intent.Cancel;

    private ParseVerdict Assemble(string input, List<Clause> clauses, ConversationContext context)
    {
        var state = new ResolveState(context);
        var steps = new List<PlanStep>(clauses.Count);
        string? question = null;
        string? reason = null;
        var refused = false;
        string? notUnderstood = null;

        ShareForward(clauses);
        var killswitch = clauses.FindIndex(c => c.Intent == Intent.Killswitch && !c.Negated && !(c.QuestionForm && !c.Polite));
        var closeAll = killswitch >= 0 && (clauses[killswitch].HasAny(Lexicon.CloseVerbs) || clauses[killswitch].HasAny("positions", "position")
            || clauses.Any(c => c.Intent == Intent.Close && (c.AllWord || c.Has("positions")) && c.Symbols.Count == 0 && !c.Negated));

        var condition = false;
        for (var index = 0; index < clauses.Count; index++)
        {
            var c = clauses[index];
            if (killswitch >= 0 && index != killswitch && IsAbsorbedByKillswitch(c)) continue;
            if (condition && IsGated(c.Intent) && !c.Negated)
            {
                // "if alpha is down, restart it": the condition is a clause of its own; never act as if it held.
                question ??= "I can't act on a condition (\"if …\") for that. Check first, then tell me what to do.";
                continue;
            }
            condition |= c.WordAt(c.FirstContent()) is "if" or "when" or "once" or "whenever" or "unless" or "provided" or "should";
            switch (c.Intent)
            {
                case Intent.Chat:
                    continue;
                case Intent.Unknown:
                    notUnderstood ??= c.ToString();
                    continue;
                case Intent.Nothing:
                    state.Remember(c, steps, steps.Count);
                    reason ??= c.Reason;
                    refused |= c.Negated || c.QuestionForm;
                    continue;
                case Intent.Clarify:
                    question ??= c.Question;
                    continue;
            }
            var gated = IsGated(c.Intent);
            if (c.Negated && c.Intent != Intent.ReportCancel && (gated || !c.QuestionForm))
            {
                state.Remember(c, steps, steps.Count);
                refused = true;
                reason ??= "That reads as a negation (\"don't …\"), so there is nothing to do.";
                continue;
            }
            if (gated && c.QuestionForm && !c.Polite)
            {
                state.Remember(c, steps, steps.Count);
                refused = true;
                reason ??= $"That's a question, not an instruction, so I did nothing. To do it, say it directly (e.g. \"{Example(c)}\").";
                continue;
            }
            if (gated && c.Intent != Intent.Order && c.Index(Lexicon.ConditionalWords) is var cond and >= 0 && c.WordAt(cond) is not "after" and not "before")
            {
                question ??= "I can't act on a condition (\"if …\") for that. Check first, then tell me what to do.";
                continue;
            }
            var before = steps.Count;
            var q = c.Intent == Intent.Killswitch
                ? AddStep(steps, new SystemKillswitchArgs(closeAll))
                : Build(c, state, steps);
            if (q is not null) { question ??= q; continue; }
            state.Remember(c, steps, before);
        }

        if (question is not null) return new(Plan.Clarification(input, question), false);
        var anyGated = steps.Any(s => s.Gated);
        if (anyGated && refused)
            return new(Plan.Clarification(input, "Part of that message is a negation or a question, so I'm not sure what you want done. Please send just the instruction."), false);
        if (anyGated && notUnderstood is not null)
            return new(Plan.Clarification(input, $"I understood part of that, but not \"{notUnderstood}\". Please rephrase so I don't act on half a message."), false);
        if (steps.Count == 0)
            return new(Plan.Nothing(input, reason ?? "I didn't find an instruction I can act on in that. Try /help to see what I can do."), refused);
        return new(Plan.Of(input, steps), false);
    }

    /// <summary>"show me the logs and status of alpha": a read-only clause without a system takes the next clause's.</summary>
    private static void ShareForward(List<Clause> clauses)
    {
        for (var i = clauses.Count - 2; i >= 0; i--)
        {
            var c = clauses[i];
            var next = clauses[i + 1];
            if (c.Intent is Intent.Logs or Intent.Status or Intent.Diagnostics && next.Intent is Intent.Logs or Intent.Status or Intent.Diagnostics
                && c.Systems.Count == 0 && c.Pronoun is null && !c.AllWord && c.Unknown.Count == 0 && next.Systems.Count > 0)
                c.Systems.AddRange(next.Systems);
        }
    }

    private static string? AddStep(List<PlanStep> steps, ActionArgs args)
    {
        steps.Add(new PlanStep(args));
        return null;
    }

    private static bool IsAbsorbedByKillswitch(Clause c) => c.Intent switch
    {
        Intent.Stop => c.Systems.Count == 0 && c.Pronoun is null,
        Intent.Cancel => c.Symbols.Count == 0,
        Intent.Close => c.Symbols.Count == 0 && c.Pronoun is null,
        _ => false,
    };

    private static string Example(Clause c)
    {
        var words = c.Tokens.Where(t => !(t.IsWord && (Lexicon.QuestionStarts.Contains(t.Text) || t.Text is "i" or "we" or "you" or "canyou" or "cani" or "to" or "how")))
            .Select(t => t.ToString());
        return string.Join(' ', words);
    }

    private static string JoinList(IReadOnlyList<string> items, string conjunction) => items.Count switch
    {
        0 => "",
        1 => items[0],
        _ => string.Join(", ", items.Take(items.Count - 1)) + $" {conjunction} " + items[^1],
    };
}

/// <summary>The offline parser's plan, and whether the message was deliberately not taken as a command.</summary>
internal readonly record struct ParseVerdict(Plan Plan, bool Refused);
