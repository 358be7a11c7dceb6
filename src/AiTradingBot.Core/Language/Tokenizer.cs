using System.Collections.Frozen;
using System.Globalization;
using AiTradingBot.Core.Market;

namespace AiTradingBot.Core.Language;

/// <summary>
/// Turns a message into tokens: lower-cased words with contractions expanded and common phrases merged, numbers
/// already scaled (45k, $45,000, .5, a hundred), clock times and clause punctuation. A single forward pass over the
/// characters plus one merge pass; no regular expressions, so cost is linear in the input.
/// </summary>
internal sealed class Tokenizer(Func<string, bool> isKnownName)
{
    private static readonly FrozenDictionary<string, string[]> SingleWords = new Dictionary<string, string[]>
    {
        ["dont"] = ["do", "not"], ["doesnt"] = ["does", "not"], ["didnt"] = ["did", "not"], ["isnt"] = ["is", "not"],
        ["arent"] = ["are", "not"], ["wasnt"] = ["was", "not"], ["werent"] = ["were", "not"], ["cant"] = ["can", "not"],
        ["cannot"] = ["can", "not"], ["shouldnt"] = ["should", "not"], ["wouldnt"] = ["would", "not"],
        ["couldnt"] = ["could", "not"], ["havent"] = ["have", "not"], ["hasnt"] = ["has", "not"], ["wont"] = ["will", "not"],
        ["whats"] = ["what", "is"], ["hows"] = ["how", "is"], ["wheres"] = ["where", "is"], ["thats"] = ["that", "is"],
        ["lets"] = ["let", "us"], ["im"] = ["i", "am"], ["ive"] = ["i", "have"],
        ["thx"] = ["thanks"], ["ty"] = ["thanks"], ["tks"] = ["thanks"], ["thank"] = ["thanks"], ["tysm"] = ["thanks"],
        ["pls"] = ["please"], ["plz"] = ["please"], ["plx"] = ["please"],
        ["nvm"] = ["nevermind"], ["afterwards"] = ["then"], ["afterward"] = ["then"], ["next"] = ["then"],
        ["asap"] = ["now"], ["immediately"] = ["now"], ["shutdown"] = ["stop"], ["startup"] = ["start"],
        ["each"] = ["every"], ["stoploss"] = ["sl"], ["takeprofit"] = ["tp"], ["reduceonly"] = ["reduceonly"],
        ["alltime"] = ["alltime"], ["pnl"] = ["pnl"], ["pl"] = ["pnl"], ["ur"] = ["your"], ["u"] = ["you"],
        ["tmrw"] = ["tomorrow"], ["hr"] = ["hour"], ["hrs"] = ["hours"], ["mins"] = ["minutes"], ["min"] = ["minutes"],
        ["secs"] = ["seconds"], ["sec"] = ["seconds"], ["perps"] = ["perp"], ["usd"] = ["usd"],
    }.ToFrozenDictionary();

    /// <summary>Phrases merged into one canonical word (first word → tails, longest first).</summary>
    private static readonly FrozenDictionary<string, (string[] Tail, string[] With)[]> Phrases = BuildPhrases(
    [
        ("stop loss", "sl"), ("stop losses", "sl"), ("take profit", "tp"), ("profit target", "tp"), ("profit and loss", "pnl"), ("profits and losses", "pnl"), ("gains and losses", "pnl"),
        ("kill switch", "killswitch"), ("emergency stop", "killswitch"), ("emergency shutdown", "killswitch"),
        ("emergency brake", "killswitch"), ("panic button", "killswitch"), ("big red button", "killswitch"),
        ("all time", "alltime"), ("p and l", "pnl"), ("p l", "pnl"), ("p n l", "pnl"), ("reduce only", "reduceonly"),
        ("never mind", "nevermind"), ("forget it", "nevermind"), ("forget about it", "nevermind"), ("forget that", "nevermind"),
        ("thanks you", "thanks"), ("what if", "whatif"), ("and then", "then"), ("after that", "then"),
        ("after which", "then"), ("once done", "then"), ("when done", "then"), ("followed by", "then"),
        ("once that is done", "then"), ("right now", "now"), ("right away", "now"), ("at once", "now"),
        ("go long", "long"), ("open a long", "long"), ("open long", "long"), ("go short", "short"),
        ("open a short", "short"), ("open short", "short"), ("shut down", "stop"), ("shut off", "stop"),
        ("power down", "stop"), ("power off", "stop"), ("turn off", "stop"), ("switch off", "stop"),
        ("spin down", "stop"), ("take down", "stop"), ("bring down", "stop"), ("close down", "stop"),
        ("take offline", "stop"), ("start up", "start"), ("boot up", "start"), ("spin up", "start"),
        ("fire up", "start"), ("power on", "start"), ("power up", "start"), ("turn on", "start"),
        ("switch on", "start"), ("wake up", "start"), ("kick off", "start"), ("bring online", "start"),
        ("bring back online", "start"), ("bring back up", "start"), ("power cycle", "restart"),
        ("re start", "restart"), ("re boot", "reboot"), ("re deploy", "redeploy"), ("re launch", "relaunch"),
        ("how much", "howmuch"), ("how many", "howmany"), ("trade history", "trades"), ("fill history", "trades"),
        ("buying power", "balance"), ("win rate", "pnl"), ("no more", "nomore"), ("no need to", "not"), ("no need for", "not"), ("no reason to", "not"), ("there is no need to", "not"), ("no longer", "nomore"),
        ("any more", "anymore"), ("good idea", "goodidea"), ("bad idea", "goodidea"), ("smart move", "goodidea"),
        ("do you think", "doyouthink"), ("what do you think", "doyouthink"), ("would you recommend", "recommend"),
        ("what can you do", "help"), ("what do you do", "help"), ("how does this work", "help"),
        ("how do you work", "help"), ("how do i use this", "help"), ("how do i use you", "help"),
        ("what are your commands", "help"), ("what can i do", "help"), ("what commands", "help"),
        ("get out of", "exit"), ("sell off", "sell"), ("check up on", "check"), ("check in on", "check"),
        ("look at", "check"), ("look into", "check"), ("per cent", "percent"), ("trading at", "tradingat"),
        ("going for", "tradingat"), ("sitting at", "tradingat"), ("that one", "that"), ("this one", "that"),
        ("the same one", "same"), ("the same", "same"), ("same one", "same"), ("all of them", "them"),
        ("both of them", "them"), ("once an hour", "hourly"), ("once a day", "daily"), ("once a week", "weekly"),
        ("once a month", "monthly"), ("every day", "daily"), ("every morning", "daily morning"),
        ("every evening", "daily evening"), ("every night", "daily night"), ("every week", "weekly"),
        ("every month", "monthly"), ("every hour", "hourly"), ("half an hour", "30 minutes"),
        ("half hour", "30 minutes"), ("a half hour", "30 minutes"), ("an hour", "1 hour"), ("a day", "1 day"),
        ("a minute", "1 minute"), ("a week", "1 week"), ("in the morning", "am"), ("in the evening", "pm"),
        ("in the afternoon", "pm"), ("at night", "pm"), ("spot market", "spot"), ("on spot", "spot"),
        ("order book", "orderbook"), ("what is up", "whatsup"), ("sup", "whatsup"), ("good morning", "hello"),
        ("good afternoon", "hello"), ("good evening", "hello"), ("good night", "bye"), ("see you", "bye"),
        ("how are you", "howareyou"), ("how is it going", "howareyou"), ("how it is going", "howareyou"), ("how is your day", "howareyou"), ("how are you doing", "howareyou"), ("who are you", "whoareyou"),
        ("what are you", "whoareyou"), ("in profit", "pnl"), ("in the red", "pnl"), ("in the green", "pnl"),
        ("as soon as", "when"), ("the moment", "when"), ("make sure", "please"), ("go ahead and", "please"),
        ("go ahead", "please"), ("i want you to", "please"), ("i need you to", "please"), ("i would like you to", "please"),
        ("i would like to", "please"), ("i want to", "please"), ("i need to", "please"), ("let us", "please"),
        ("can you", "canyou"), ("could you", "canyou"), ("will you", "canyou"), ("would you please", "canyou please"),
        ("would you kindly", "canyou please"), ("would you mind", "canyou please"), ("can you please", "canyou please"),
        ("could you please", "canyou please"),
        ("should i", "shouldi"), ("should we", "shouldi"), ("shall i", "shouldi"), ("shall we", "shouldi"),
        ("ought i", "shouldi"), ("can i", "cani"), ("could i", "cani"), ("may i", "cani"), ("am i allowed", "cani"),
        ("if i", "ifi"), ("if we", "ifi"), ("if you", "ifi"), ("when i", "ifi"), ("were i", "ifi"), ("had i", "ifi"),
        ("what happens", "whatif"), ("what would", "whatif"), ("what will happen", "whatif"),
        ("would happen", "whatif"), ("thinking about", "thinking"), ("thinking of", "thinking"),
        ("planning to", "thinking"), ("considering", "thinking"), ("wondering", "thinking"),
        // Exits and flat idioms: all mean closing positions.
        ("get me out of", "exit"), ("get us out of", "exit"), ("take me out of", "exit"), ("take us out of", "exit"),
        ("bail out of", "exit"), ("get rid of", "exit"), ("close out", "close"), ("take me flat", "flatten"),
        ("get me flat", "flatten"), ("get us flat", "flatten"), ("go flat", "flatten"), ("get flat", "flatten"),
        ("make me flat", "flatten"), ("pick up", "grab"), ("load up on", "grab"), ("stock up on", "grab"),
        // "how is bravo getting on": a status question.
        ("getting on", "doing"), ("getting along", "doing"), ("coming along", "doing"), ("holding up", "doing"),
        ("it all", "everything"), ("overall status", "everything status"), ("full status", "everything status"),
        ("general status", "everything status"), ("global status", "everything status"), ("overall health", "everything health"),
        ("full sitrep", "everything sitrep"), ("overall sitrep", "everything sitrep"), ("status overall", "status everything"),
        ("i would like", "please"), ("we would like", "please"), ("i would love to", "please"), ("i would love", "please"),
        ("the instant", "when"), ("in case", "if"), ("up and running", "running"), ("cash out of", "exit"), ("cash out", "exit"), ("take profits", "tp"),
        ("want out of", "exit"), ("i want out of", "exit"), ("stand for", "mean"), ("stands for", "means"), ("alive and well", "running"),
    ]);

    private static readonly FrozenDictionary<string, int> Units = new Dictionary<string, int>
    {
        ["zero"] = 0, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13,
        ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17, ["eighteen"] = 18,
        ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60,
        ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90, ["dozen"] = 12,
    }.ToFrozenDictionary();

    private static readonly FrozenDictionary<string, decimal> Scales = new Dictionary<string, decimal>
    {
        ["hundred"] = 100m, ["thousand"] = 1_000m, ["grand"] = 1_000m, ["k"] = 1_000m, ["million"] = 1_000_000m,
        ["millions"] = 1_000_000m, ["mil"] = 1_000_000m, ["mln"] = 1_000_000m, ["m"] = 1_000_000m,
        ["billion"] = 1_000_000_000m, ["bn"] = 1_000_000_000m,
    }.ToFrozenDictionary();

    private static readonly FrozenSet<string> SExpands = FrozenSet.ToFrozenSet(
    [
        "what", "it", "that", "there", "here", "who", "where", "how", "he", "she", "when", "why", "everything",
        "nothing", "something", "everyone", "which", "this",
    ]);

    private static readonly FrozenSet<string> NotOneAfter = FrozenSet.ToFrozenSet(
        ["that", "this", "the", "which", "every", "any", "no", "same", "other", "another", "each"]);

    /// <summary>Tokenizes <paramref name="text"/> into <paramref name="output"/> (cleared first).</summary>
    public void Tokenize(string text, List<Token> output)
    {
        output.Clear();
        var raw = new List<Token>(32);
        Scan(text, raw);
        Merge(raw, output);
        if (HasFractionWord(output)) ReadFractions(output);
    }

    /// <summary>Fraction words and what they are worth.</summary>
    private static readonly FrozenDictionary<string, decimal> FractionWords = new Dictionary<string, decimal>
    {
        ["half"] = 0.5m, ["halves"] = 0.5m, ["quarter"] = 0.25m, ["quarters"] = 0.25m, ["third"] = 1m / 3m, ["thirds"] = 1m / 3m,
        ["tenth"] = 0.1m, ["tenths"] = 0.1m, ["fifth"] = 0.2m, ["fifths"] = 0.2m,
    }.ToFrozenDictionary();

    /// <summary>Words after "half of" that make it a share of something held ("half my eth", "a quarter of the position").</summary>
    private static readonly FrozenSet<string> HeldMarkers = FrozenSet.ToFrozenSet(
        ["my", "our", "your", "the", "his", "her", "it", "its", "this", "that", "them", "those", "these", "position", "positions", "everything", "all", "holdings", "bag", "bags", "stack"]);

    private static bool HasFractionWord(List<Token> tokens)
    {
        foreach (var t in tokens)
            if (t.IsWord && (FractionWords.ContainsKey(t.Text) || t.Text == "halve")) return true;
        return false;
    }

    /// <summary>
    /// Amounts versus shares: "half an eth", "a quarter of a btc", "one and a half sol" are quantities (a number);
    /// "half my eth", "a quarter of my sol", "three quarters of the position", "cut it in half" are shares of a
    /// position (a percent). A fraction that fits neither stays a word for the grammar to ask about.
    /// </summary>
    private static void ReadFractions(List<Token> tokens)
    {
        var output = new List<Token>(tokens.Count);
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Is("halve"))
            {
                output.Add(Token.Word("trim"));
                output.Add(Token.Number(50, 50, NumberFlags.Percent | NumberFlags.Spelled, "50%"));
                continue;
            }
            // "one and a half", "2 and a quarter": a whole number plus a fraction.
            if (t.IsNumber && t.Flags is NumberFlags.None or NumberFlags.Spelled && At(tokens, i + 1).Is("and") && At(tokens, i + 2).Text is "a" or "an"
                && FractionWords.TryGetValue(At(tokens, i + 3).Text, out var plus) && At(tokens, i + 3).IsWord && plus is 0.5m or 0.25m)
            {
                var v = t.Value + plus;
                output.Add(Token.Number(v, v, NumberFlags.Spelled | NumberFlags.Fraction, v.ToString(CultureInfo.InvariantCulture)));
                i += 3;
                if (At(tokens, i + 1).Is("of")) i++;
                if (At(tokens, i + 1).Text is "a" or "an" && At(tokens, i + 1).IsWord) i++;
                continue;
            }
            var lead = 0;
            var coefficient = 1m;
            var by = t.Is("in") || t.Is("by");
            var start = by ? i + 1 : i;
            var first = At(tokens, start);
            if (first.IsWord && first.Text is "a" or "an" or "one") lead = 1;
            else if (first.IsNumber && first.Flags is NumberFlags.None or NumberFlags.Spelled && first.Value is >= 1 and <= 10 && first.Value == decimal.Truncate(first.Value))
            {
                lead = 1;
                coefficient = first.Value;
            }
            var f = At(tokens, start + lead);
            if (!f.IsWord || !FractionWords.TryGetValue(f.Text, out var fraction) || (lead == 0 && !first.IsWord))
            {
                output.Add(t);
                continue;
            }
            if (coefficient > 1 && !f.Text.EndsWith('s') && f.Text != "half") { output.Add(t); continue; }
            var share = fraction * coefficient;
            var j = start + lead + 1;
            var next = At(tokens, j);
            if (!by && next.IsNumber && next.Has(NumberFlags.Spelled) && next.Text.StartsWith("a ", StringComparison.Ordinal))
            {
                // "half a dozen", "half a hundred": a fraction of a spelled number.
                var v = Math.Round(share * next.Value, 8);
                output.Add(Token.Number(v, v, NumberFlags.Spelled, f.Text + " " + next.Text));
                i = j;
                continue;
            }
            var of = next.Is("of");
            var after = of ? At(tokens, j + 1) : next;
            if (by && !(after.IsWord && HeldMarkers.Contains(after.Text)) && !(after.IsWord && after.Text is "a" or "an"))
            {
                // "cut my sol position in half", "trim it by a quarter".
                output.Add(t.Is("in") ? Token.Word("by") : t);
                output.Add(Percent(share));
                i = j - 1;
                continue;
            }
            if (by) { output.Add(t); continue; }
            if (after.IsWord && after.Text is "a" or "an")
            {
                // "half an eth", "a quarter of a btc": an amount of one coin.
                output.Add(Token.Number(Math.Round(share, 8), Math.Round(share, 8), NumberFlags.Spelled | NumberFlags.Fraction, f.Text));
                i = (of ? j + 1 : j);
                continue;
            }
            if (after.IsWord && HeldMarkers.Contains(after.Text))
            {
                output.Add(Percent(share));
                i = of ? j : j - 1;
                continue;
            }
            if (lead == 1 && first.IsWord && first.Text is "a" or "an" && !of && next.IsWord && SymbolResolver.Coins.ContainsKey(next.Text))
            {
                // "a quarter btc", "a half eth".
                output.Add(Token.Number(Math.Round(share, 8), Math.Round(share, 8), NumberFlags.Spelled | NumberFlags.Fraction, f.Text));
                i = j - 1;
                continue;
            }
            if (coefficient > 1 || (lead == 1 && first.IsWord && first.Text is "a" or "an" or "one"))
            {
                // "close three quarters", "sell a third": a share, spelled with a count.
                output.Add(Percent(share));
                i = of ? j : j - 1;
                continue;
            }
            output.Add(t);
        }
        tokens.Clear();
        tokens.AddRange(output);
    }

    private static Token Percent(decimal share)
    {
        var percent = Math.Round(share * 100m, 2);
        return Token.Number(percent, percent, NumberFlags.Percent | NumberFlags.Spelled, percent.ToString(CultureInfo.InvariantCulture) + "%");
    }

    private static readonly Token End = new(TokenKind.Punct, "");

    private static Token At(List<Token> tokens, int i) => i >= 0 && i < tokens.Count ? tokens[i] : End;

    private void Scan(string s, List<Token> output)
    {
        var i = 0;
        var dollar = false;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '$' or '€' or '£') { dollar = true; i++; continue; }
            if (c is '"' or '“' or '”' or '`' or '«' or '»')
            {
                var close = s.IndexOfAny(['"', '”', '“', '`', '»'], i + 1);
                if (close > i + 1)
                {
                    output.Add(new Token(TokenKind.Quoted, s.Substring(i + 1, close - i - 1).Trim()));
                    i = close + 1;
                    continue;
                }
                i++;
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])))
            {
                i = ReadNumber(s, i, dollar, output);
                dollar = false;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                i = ReadWord(s, i, output);
                dollar = false;
                continue;
            }
            switch (c)
            {
                case ',' or ';' or '.' or '!' or '?' or ':' or '@':
                    output.Add(Token.Punct(c));
                    break;
                case '&' or '+':
                    output.Add(Token.Word("and"));
                    break;
                case '>' or '<' when !(i + 1 < s.Length && s[i + 1] is '>' or '<'):
                    // "if eth > 4000": a comparison reads as above / below.
                    output.Add(Token.Word(c == '>' ? "above" : "below"));
                    if (i + 1 < s.Length && s[i + 1] == '=') i++;
                    break;
                case '%':
                    if (output.Count > 0 && output[^1].IsNumber) output[^1] = output[^1] with { Flags = output[^1].Flags | NumberFlags.Percent };
                    break;
                case '-' or '–' or '—' or '|' or '\n':
                    // A free-standing dash separates like a comma ("alpha - restart"); "-n" is a command-line flag.
                    if (c == '-' && i + 1 < s.Length && char.IsAsciiLetterOrDigit(s[i + 1])) break;
                    output.Add(Token.Punct(','));
                    break;
            }
            i++;
        }
    }

    private static int ReadNumber(string s, int i, bool dollar, List<Token> output)
    {
        var start = i;
        Span<char> buf = stackalloc char[40];
        var n = 0;
        var fraction = false;
        while (i < s.Length && n < 38)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c)) { buf[n++] = c; i++; continue; }
            if (c == ',' && !fraction && n > 0 && ThreeDigitsThenStop(s, i + 1)) { i++; continue; }
            if (c == '.' && !fraction && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1])) { fraction = true; buf[n++] = '.'; i++; continue; }
            break;
        }
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++; // absurdly long digit runs are cut, not parsed
        if (!decimal.TryParse(buf[..n], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            value = 0;

        // "1/2", "3/4": a written fraction reads as the words, so "sell 1/2 my eth" and "sell half my eth" are one grammar.
        if (!fraction && !dollar && i + 1 < s.Length && s[i] == '/' && char.IsAsciiDigit(s[i + 1]) && (i + 2 >= s.Length || !char.IsAsciiDigit(s[i + 2])) && value is >= 1 and <= 9)
        {
            var words = (value, s[i + 1]) switch
            {
                (1, '2') => ["half"],
                (1, '3') => ["third"],
                (1, '4') => ["quarter"],
                (2, '3') => ["2", "thirds"],
                (3, '4') => ["3", "quarters"],
                _ => (string[]?)null,
            };
            if (words is not null)
            {
                foreach (var w in words)
                    output.Add(char.IsAsciiDigit(w[0]) ? Token.Number(w[0] - '0', w[0] - '0', NumberFlags.None, w) : Token.Word(w));
                return i + 2;
            }
        }

        // 9:30 or 18:00 is a clock time.
        if (!fraction && i + 2 < s.Length && s[i] == ':' && char.IsAsciiDigit(s[i + 1]) && char.IsAsciiDigit(s[i + 2])
            && (i + 3 >= s.Length || !char.IsAsciiDigit(s[i + 3])))
        {
            var minute = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
            i += 3;
            var (hour, j) = ApplyMeridiem(s, i, (int)Math.Min(value, 99));
            output.Add(new Token(TokenKind.Time, s[start..j], Hour: hour, Minute: minute));
            return j;
        }

        var flags = fraction ? NumberFlags.Fraction : NumberFlags.None;
        if (dollar) flags |= NumberFlags.Dollar;
        var scaled = value;
        var text = s[start..i];
        var k = i;
        while (k < s.Length && char.IsAsciiLetter(s[k])) k++;
        var suffix = s[i..k].ToLowerInvariant();
        switch (suffix)
        {
            case "":
                break;
            case "k" or "K":
                scaled = Mul(value, 1000m); flags |= NumberFlags.Thousands; i = k; break;
            case "m" or "mm" or "mil" or "mln":
                scaled = Mul(value, 1_000_000m); flags |= NumberFlags.Million; i = k; break;
            case "b" or "bn":
                scaled = Mul(value, 1_000_000_000m); i = k; break;
            case "x":
                flags |= NumberFlags.Leverage; i = k; break;
            case "st" or "nd" or "rd" or "th":
                flags |= NumberFlags.Ordinal; i = k; break;
            case "am" or "pm" or "a" or "p" when !fraction && value <= 12:
            {
                var (hour, j) = ApplyMeridiem(s, i, (int)value);
                output.Add(new Token(TokenKind.Time, s[start..j], Hour: hour, Minute: 0));
                return j;
            }
        }
        if (i < s.Length && s[i] is '$' or '€' or '£') { flags |= NumberFlags.Dollar; i++; }
        if (i < s.Length && s[i] == '%') { flags |= NumberFlags.Percent; i++; }
        output.Add(Token.Number(scaled, value, flags, text));
        return i;
    }

    private static decimal Mul(decimal a, decimal b)
    {
        try { return a * b; }
        catch (OverflowException) { return decimal.MaxValue; }
    }

    private static bool ThreeDigitsThenStop(string s, int at) =>
        at + 2 < s.Length && char.IsAsciiDigit(s[at]) && char.IsAsciiDigit(s[at + 1]) && char.IsAsciiDigit(s[at + 2])
        && (at + 3 >= s.Length || !char.IsAsciiDigit(s[at + 3]));

    private static (int Hour, int End) ApplyMeridiem(string s, int i, int hour)
    {
        var j = i;
        while (j < s.Length && s[j] == ' ') j++;
        if (j + 1 < s.Length && char.ToLowerInvariant(s[j + 1]) == 'm' && char.ToLowerInvariant(s[j]) is 'a' or 'p'
            && (j + 2 >= s.Length || !char.IsLetter(s[j + 2])))
        {
            var pm = char.ToLowerInvariant(s[j]) == 'p';
            return (pm ? (hour % 12) + 12 : hour % 12, j + 2);
        }
        if (j < s.Length && char.ToLowerInvariant(s[j]) is 'a' or 'p' && j == i && (j + 1 >= s.Length || !char.IsLetter(s[j + 1])))
            return (char.ToLowerInvariant(s[j]) == 'p' ? (hour % 12) + 12 : hour % 12, j + 1);
        return (hour, i);
    }

    private int ReadWord(string s, int i, List<Token> output)
    {
        var start = i;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsLetterOrDigit(c) || c == '_') { i++; continue; }
            if (c is '\'' or '’' or '‘' or '-' or '/' or '&' && i + 1 < s.Length && (char.IsLetterOrDigit(s[i + 1]))) { i++; continue; }
            break;
        }
        var original = s[start..i];
        var upper = original.Length >= 2 && original.All(ch => !char.IsLetter(ch) || char.IsUpper(ch));
        var w = original.ToLowerInvariant().Replace('’', '\'').Replace('‘', '\'');
        AddWord(w, upper, output);
        return i;
    }

    private void AddWord(string w, bool upper, List<Token> output)
    {
        if (w.Contains('\''))
        {
            if (w.EndsWith("n't", StringComparison.Ordinal))
            {
                var b = w[..^3];
                output.Add(Token.Word(b switch { "ca" => "can", "wo" => "will", "sha" => "shall", "ai" => "is", _ => b }));
                output.Add(Token.Word("not"));
                return;
            }
            if (w.EndsWith("'s", StringComparison.Ordinal))
            {
                var b = w[..^2];
                if (b == "let") { output.Add(Token.Word("let")); output.Add(Token.Word("us")); return; }
                AddWord(b, upper, output);
                if (SExpands.Contains(b)) output.Add(Token.Word("is"));
                return;
            }
            foreach (var (suffix, expansion) in (ReadOnlySpan<(string, string)>)[("'re", "are"), ("'ve", "have"), ("'ll", "will"), ("'d", "would"), ("'m", "am")])
                if (w.EndsWith(suffix, StringComparison.Ordinal))
                {
                    AddWord(w[..^suffix.Length], upper, output);
                    output.Add(Token.Word(expansion));
                    return;
                }
            w = w.Replace("'", "");
            if (w.Length == 0) return;
        }
        if (w.IndexOfAny(['-', '/', '&']) >= 0)
        {
            if (isKnownName(w) || SymbolResolver.Resolve(w) is not null) { output.Add(Token.Word(w, upper)); return; }
            foreach (var part in w.Split(['-', '/', '&'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (w.Contains('&') && output.Count > 0 && output[^1].Is("p") && part == "l") output.Add(Token.Word("and"));
                AddWord(part, upper, output);
            }
            return;
        }
        // x5 is a leverage multiplier.
        if (w.Length >= 2 && w[0] == 'x' && w.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0 && int.TryParse(w.AsSpan(1), out var lev))
        {
            output.Add(Token.Number(lev, lev, NumberFlags.Leverage, w));
            return;
        }
        if (SingleWords.TryGetValue(w, out var words))
        {
            foreach (var x in words) output.Add(Token.Word(x));
            return;
        }
        output.Add(Token.Word(w, upper));
    }

    private void Merge(List<Token> raw, List<Token> output)
    {
        for (var i = 0; i < raw.Count; i++)
        {
            var t = raw[i];
            if (t.IsWord)
            {
                // "short seller", "lx algo": two words that together are a configured name.
                if (i + 1 < raw.Count && raw[i + 1].IsWord && isKnownName(t.Text + raw[i + 1].Text) && !isKnownName(t.Text))
                {
                    output.Add(Token.Word(t.Text + raw[i + 1].Text));
                    i++;
                    continue;
                }
                if (Phrases.TryGetValue(t.Text, out var candidates))
                {
                    var merged = false;
                    foreach (var (tail, with) in candidates)
                    {
                        if (i + tail.Length >= raw.Count) continue;
                        var ok = true;
                        for (var k = 0; k < tail.Length && ok; k++) ok = raw[i + 1 + k].Is(tail[k]);
                        if (!ok) continue;
                        foreach (var x in with)
                        {
                            if (char.IsAsciiDigit(x[0])) output.Add(Token.Number(decimal.Parse(x, CultureInfo.InvariantCulture), decimal.Parse(x, CultureInfo.InvariantCulture), NumberFlags.Spelled, x));
                            else output.Add(Token.Word(x));
                        }
                        i += tail.Length;
                        merged = true;
                        break;
                    }
                    if (merged) continue;
                }
                // Spelled numbers: "a hundred", "twenty five", "two million".
                if (TryReadSpelled(raw, i, output, out var consumed)) { i += consumed - 1; continue; }
                output.Add(t);
                continue;
            }
            if (t.IsNumber && i + 1 < raw.Count && raw[i + 1].IsWord)
            {
                var next = raw[i + 1].Text;
                if (Scales.TryGetValue(next, out var scale))
                {
                    var flags = t.Flags | (scale == 1000m ? NumberFlags.Thousands : scale == 1_000_000m ? NumberFlags.Million : NumberFlags.None);
                    output.Add(t with { Value = Mul(t.Value, scale), Flags = flags });
                    i++;
                    continue;
                }
                if (next is "x" or "times" && !(next == "times" && (i + 2 >= raw.Count || !raw[i + 2].Is("leverage"))))
                {
                    output.Add(t with { Flags = t.Flags | NumberFlags.Leverage });
                    i++;
                    continue;
                }
                if (next is "percent" or "pct")
                {
                    output.Add(t with { Flags = t.Flags | NumberFlags.Percent });
                    i++;
                    continue;
                }
                if (next is "am" or "pm" && t.Value <= 12 && (t.Flags & NumberFlags.Fraction) == 0)
                {
                    var h = (int)t.Value % 12 + (next == "pm" ? 12 : 0);
                    output.Add(new Token(TokenKind.Time, t.Text + next, Hour: h));
                    i++;
                    continue;
                }
                if (next == "oclock" && t.Value <= 24)
                {
                    output.Add(new Token(TokenKind.Time, t.Text, Hour: (int)t.Value % 24));
                    i++;
                    continue;
                }
            }
            if (t.Kind == TokenKind.Time && i + 1 < raw.Count && raw[i + 1].Is("oclock")) { output.Add(t); i++; continue; }
            output.Add(t);
        }
    }

    private static bool TryReadSpelled(List<Token> raw, int i, List<Token> output, out int consumed)
    {
        consumed = 0;
        var j = i;
        decimal total = 0, current = 0;
        var any = false;
        if (raw[j].Text is "a" or "an" && j + 1 < raw.Count && raw[j + 1].IsWord && raw[j + 1].Text is "hundred" or "thousand" or "million" or "dozen")
        {
            current = raw[j + 1].Text == "dozen" ? 12 : 1;
            j += raw[j + 1].Text == "dozen" ? 2 : 1;
            any = true;
        }
        while (j < raw.Count && raw[j].IsWord)
        {
            var w = raw[j].Text;
            if (Units.TryGetValue(w, out var u))
            {
                if (w == "one" && j == i && i > 0 && raw[i - 1].IsWord && NotOneAfter.Contains(raw[i - 1].Text)) break;
                if (w == "one" && j + 1 < raw.Count && raw[j + 1].Is("of")) break;
                current += u;
                any = true;
                j++;
                continue;
            }
            if (any && w == "hundred") { current = (current == 0 ? 1 : current) * 100; j++; continue; }
            // "the last hundred lines": a bare hundred/thousand after a determiner.
            if (!any && j == i && w is "hundred" or "thousand" && i > 0 && raw[i - 1].IsWord && raw[i - 1].Text is "last" or "the" or "first" or "past" or "top" or "latest" or "previous")
            {
                current = w == "hundred" ? 100 : 1000;
                any = true;
                j++;
                continue;
            }
            if (any && Scales.TryGetValue(w, out var s) && s >= 1000 && w is not "m" and not "k")
            {
                total += (current == 0 ? 1 : current) * s;
                current = 0;
                j++;
                continue;
            }
            if (any && w == "and" && j + 1 < raw.Count && raw[j + 1].IsWord && Units.ContainsKey(raw[j + 1].Text)
                && raw[j - 1].Text is "hundred" or "thousand") { j++; continue; }
            break;
        }
        if (!any) return false;
        var value = total + current;
        var flags = NumberFlags.Spelled | (value >= 1000 && value % 1000 == 0 ? NumberFlags.Thousands : NumberFlags.None);
        if (j < raw.Count && raw[j].IsWord && raw[j].Text is "percent" or "pct") { flags |= NumberFlags.Percent; j++; }
        consumed = j - i;
        output.Add(Token.Number(value, value, flags, string.Join(' ', raw.Skip(i).Take(consumed).Select(t => t.Text))));
        return true;
    }

    private static FrozenDictionary<string, (string[] Tail, string[] With)[]> BuildPhrases(IEnumerable<(string Phrase, string With)> phrases) =>
        phrases.Select(p => (Words: p.Phrase.Split(' '), With: p.With.Split(' ')))
            .GroupBy(p => p.Words[0])
            .ToFrozenDictionary(g => g.Key, g => g.OrderByDescending(p => p.Words.Length).Select(p => (p.Words[1..], p.With)).ToArray());
}
