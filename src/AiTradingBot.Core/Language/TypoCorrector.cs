using System.Collections.Frozen;
using System.Text;
using AiTradingBot.Core.Market;

namespace AiTradingBot.Core.Language;

/// <summary>
/// Corrects typos in command words and names ("restrat alpha", "chralie logs") only where the correction is
/// unambiguous: the word is unknown, has at least five letters, and exactly one known word (lexicon, system names and
/// aliases, allowlisted commands, coins) is one edit away (insert, delete, substitute or swap two neighbours). The
/// correction is applied only when it leaves no other unknown word, so a sentence the grammar does not understand is
/// never bent into a command; a word two known words are one edit away from becomes a question. Messages without
/// unknown words cost one set lookup per word.
/// </summary>
internal sealed class TypoCorrector
{
    /// <summary>Typos shorter than this are never corrected (too many real words are one edit from "stop" or "logs").</summary>
    public const int MinLength = 5;

    private readonly FrozenSet<string> _known;
    private readonly FrozenDictionary<int, string[]> _byLength;
    private readonly FrozenSet<string> _commandWords;
    private readonly FrozenSet<string> _targets;

    public TypoCorrector(IEnumerable<string> names)
    {
        var known = new HashSet<string>(Lexicon.Known, StringComparer.Ordinal);
        // Only words that carry a command's meaning are correction targets; a typo one edit from a filler ("pasta" →
        // "past") is left unknown, and one edit from a filler and a command word is ambiguous.
        var targets = new HashSet<string>(new[]
        {
            Lexicon.StopVerbs, Lexicon.StartVerbs, Lexicon.RestartVerbs, Lexicon.ExecVerbs, Lexicon.BuyVerbs, Lexicon.SellVerbs,
            Lexicon.CloseVerbs, Lexicon.CancelVerbs, Lexicon.SendVerbs, Lexicon.ViewVerbs, Lexicon.PlaceVerbs, Lexicon.StatusStrong,
            Lexicon.DiagNouns, Lexicon.LogNouns, Lexicon.TradeNouns, Lexicon.OrderNouns, Lexicon.PositionNouns, Lexicon.PnlNouns,
            Lexicon.BalanceNouns, Lexicon.PriceNouns, Lexicon.HelpNouns, Lexicon.ReportNouns, Lexicon.KillswitchWords, Lexicon.ResumeWords,
            Lexicon.WeekdayNames, Lexicon.SystemFillers,
        }.SelectMany(x => x), StringComparer.Ordinal);
        targets.UnionWith(["leverage", "limit", "market", "spot", "percent", "minutes", "hours", "yesterday", "schedule", "everything", "diagnostics", "running"]);
        foreach (var n in names)
        {
            known.Add(n.ToLowerInvariant());
            targets.Add(n.ToLowerInvariant());
        }
        foreach (var coin in SymbolResolver.Coins.Keys)
            if (!coin.Contains(' '))
            {
                known.Add(coin.ToLowerInvariant());
                if (coin.Length >= 5) targets.Add(coin.ToLowerInvariant());
            }
        _targets = targets.ToFrozenSet(StringComparer.Ordinal);
        _known = known.ToFrozenSet(StringComparer.Ordinal);
        _byLength = known.Where(w => w.Length >= 4).GroupBy(w => w.Length).ToFrozenDictionary(g => g.Key, g => g.OrderBy(w => w, StringComparer.Ordinal).ToArray());
        _commandWords = new[]
            {
                Lexicon.StopVerbs, Lexicon.StartVerbs, Lexicon.RestartVerbs, Lexicon.BuyVerbs, Lexicon.SellVerbs, Lexicon.CloseVerbs, Lexicon.CancelVerbs,
                Lexicon.LogNouns, Lexicon.StatusStrong, Lexicon.DiagNouns,
            }.SelectMany(s => s).ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>Whether the word is one the grammar or the configuration knows.</summary>
    public bool IsKnown(string word) => _known.Contains(word);

    /// <summary>
    /// The corrections made ("read 'restrat' as 'restart'") and the corrected text; or a question when a word is one
    /// edit from two known words. Empty (and <paramref name="corrected"/> = input) when nothing was corrected.
    /// </summary>
    public List<string> Correct(string input, List<Token> tokens, out string corrected, out string? question)
    {
        corrected = input;
        question = null;
        List<(string From, string To)>? fixes = null;
        List<(string Word, List<string> Candidates)>? ambiguous = null;
        foreach (var t in tokens)
        {
            if (!t.IsWord || _known.Contains(t.Text) || !IsPlainWord(t.Text)) continue;
            if (t.Text.Length < MinLength) return [];
            var candidates = Candidates(t.Text);
            if (candidates.Count == 0) return [];
            if (candidates.Count > 1)
            {
                // "restartt" is one edit from "restart" and "restarts": forms of one word, so the base form.
                var all = candidates;
                candidates = all.Where(x => !all.Exists(y => y != x && IsInflection(x, y) && y.Length < x.Length)).ToList();
            }
            if (candidates.Count > 1)
            {
                var meaningful = candidates.Where(_targets.Contains).ToList();
                if (meaningful.Count == 0) return [];
                (ambiguous ??= []).Add((t.Text, meaningful.Count > 1 ? meaningful : candidates));
            }
            else if (!_targets.Contains(candidates[0])) return [];
            else if (fixes is null || !fixes.Exists(f => f.From == t.Text)) (fixes ??= []).Add((t.Text, candidates[0]));
        }
        if (ambiguous is { Count: > 0 })
        {
            var (word, options) = ambiguous[0];
            question = $"I don't know the word \"{word}\". Did you mean {string.Join(" or ", options.Select(o => $"\"{o}\""))}? Please send the instruction again.";
            return [];
        }
        if (fixes is null) return [];
        corrected = Replace(input, fixes);
        return fixes.Select(f => $"read '{f.From}' as '{f.To}'").ToList();
    }

    /// <summary>A command word one edit from a short unknown word ("stpo" → "stop"), for a "did you mean" question.</summary>
    public string? Suggest(string word)
    {
        if (word.Length < 3) return null;
        string? found = null;
        foreach (var w in _commandWords)
        {
            if (Math.Abs(w.Length - word.Length) > 1 || !IsOneEdit(word, w) || IsInflection(word, w)) continue;
            if (found is not null) return null;
            found = w;
        }
        return found;
    }

    private List<string> Candidates(string word)
    {
        var result = new List<string>(2);
        for (var length = word.Length - 1; length <= word.Length + 1; length++)
        {
            if (!_byLength.TryGetValue(length, out var words)) continue;
            foreach (var w in words)
                if (IsOneEdit(word, w) && !IsInflection(word, w) && !result.Contains(w)) result.Add(w);
        }
        return result;
    }

    private static bool IsPlainWord(string w)
    {
        foreach (var c in w)
            if (!char.IsAsciiLetterLower(c)) return false;
        return true;
    }

    /// <summary>"closed" is "close" + d, "sells" is "sell" + s: a different form of the word, not a typo of it.</summary>
    private static bool IsInflection(string typed, string known)
    {
        var (longer, shorter) = typed.Length > known.Length ? (typed, known) : (known, typed);
        if (longer.Length != shorter.Length + 1 || !longer.StartsWith(shorter, StringComparison.Ordinal)) return false;
        return longer[^1] is 's' or 'd' or 'r' or 'y';
    }

    /// <summary>Optimal-string-alignment distance exactly 1: one insertion, deletion, substitution or adjacent swap.</summary>
    internal static bool IsOneEdit(string a, string b)
    {
        if (a.Length == b.Length)
        {
            var first = -1;
            var count = 0;
            for (var i = 0; i < a.Length; i++)
            {
                if (a[i] == b[i]) continue;
                if (++count == 1) first = i;
                else if (count > 2) return false;
            }
            if (count == 1) return true;
            return count == 2 && first + 1 < a.Length && a[first] == b[first + 1] && a[first + 1] == b[first]
                && a.AsSpan(first + 2).SequenceEqual(b.AsSpan(first + 2));
        }
        if (Math.Abs(a.Length - b.Length) != 1) return false;
        var (l, s) = a.Length > b.Length ? (a, b) : (b, a);
        var k = 0;
        while (k < s.Length && l[k] == s[k]) k++;
        return l.AsSpan(k + 1).SequenceEqual(s.AsSpan(k));
    }

    private static string Replace(string input, List<(string From, string To)> fixes)
    {
        var sb = new StringBuilder(input.Length + 8);
        var i = 0;
        while (i < input.Length)
        {
            if (!char.IsLetter(input[i])) { sb.Append(input[i++]); continue; }
            var start = i;
            while (i < input.Length && char.IsLetter(input[i])) i++;
            var word = input[start..i];
            var lower = word.ToLowerInvariant();
            var fix = fixes.FindIndex(f => f.From == lower);
            sb.Append(fix >= 0 ? fixes[fix].To : word);
        }
        return sb.ToString();
    }
}
