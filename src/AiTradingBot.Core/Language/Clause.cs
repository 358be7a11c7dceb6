using System.Collections.Frozen;

namespace AiTradingBot.Core.Language;

/// <summary>One clause of a message (split at "and", "then", commas, sentence ends) and what was recognised in it.</summary>
internal sealed class Clause(List<Token> tokens, bool questionMark)
{
    /// <summary>The clause's tokens (separators removed).</summary>
    public List<Token> Tokens { get; } = tokens;

    /// <summary>The clause ended with a question mark.</summary>
    public bool QuestionMark { get; } = questionMark;

    /// <summary>What the clause asks for.</summary>
    public Intent Intent { get; set; }

    /// <summary>Index of the word that decided <see cref="Intent"/>, or -1.</summary>
    public int Head { get; set; } = -1;

    /// <summary>Question to ask when <see cref="Intent"/> is <see cref="Language.Intent.Clarify"/>.</summary>
    public string? Question { get; set; }

    /// <summary>Why the clause is not actionable.</summary>
    public string? Reason { get; set; }

    /// <summary>Canonical names of systems mentioned, in order.</summary>
    public List<string> Systems { get; } = [];

    /// <summary>Exchange symbols mentioned, in order.</summary>
    public List<string> Symbols { get; } = [];

    /// <summary>Words the grammar does not know (candidate names of unknown systems or coins).</summary>
    public List<string> Unknown { get; } = [];

    /// <summary>"all", "everything", "every".</summary>
    public bool AllWord { get; set; }

    /// <summary>A pronoun referring back ("it", "its", "them", "that").</summary>
    public string? Pronoun { get; set; }

    /// <summary>The pronoun is plural ("them", "their").</summary>
    public bool PluralPronoun { get; set; }

    /// <summary>Contains a negation ("not", "never", "don't").</summary>
    public bool Negated { get; set; }

    /// <summary>Polite request form ("can you", "please").</summary>
    public bool Polite { get; set; }

    /// <summary>Phrased as a question (question mark or starts with a question word).</summary>
    public bool QuestionForm { get; set; }

    /// <summary>A money amount put into a coin without a buy verb ("throw $300 at eth"): the order's side is buy.</summary>
    public bool ImpliedBuy { get; set; }

    /// <summary>Only a bare system or symbol, no intent word ("alpha?", "btc").</summary>
    public bool BareEntity { get; set; }

    /// <summary>Whether the clause has the word.</summary>
    public bool Has(string word)
    {
        foreach (var t in Tokens)
            if (t.Kind == TokenKind.Word && t.Text == word) return true;
        return false;
    }

    /// <summary>Index of the first word in the set at or after <paramref name="from"/>, or -1.</summary>
    public int Index(FrozenSet<string> set, int from = 0)
    {
        for (var i = from; i < Tokens.Count; i++)
            if (Tokens[i].Kind == TokenKind.Word && set.Contains(Tokens[i].Text)) return i;
        return -1;
    }

    /// <summary>Index of the first occurrence of the word, or -1.</summary>
    public int Index(string word, int from = 0)
    {
        for (var i = from; i < Tokens.Count; i++)
            if (Tokens[i].Kind == TokenKind.Word && Tokens[i].Text == word) return i;
        return -1;
    }

    /// <summary>Whether any word of the set occurs.</summary>
    public bool HasAny(FrozenSet<string> set) => Index(set) >= 0;

    /// <summary>Whether any of the words occurs.</summary>
    public bool HasAny(params ReadOnlySpan<string> words)
    {
        foreach (var t in Tokens)
            if (t.Kind == TokenKind.Word)
                foreach (var w in words)
                    if (t.Text == w) return true;
        return false;
    }

    /// <summary>Whether any token is a number.</summary>
    public bool HasNumber()
    {
        foreach (var t in Tokens)
            if (t.Kind == TokenKind.Number) return true;
        return false;
    }

    /// <summary>The word at index i, or "" when it is not a word or out of range.</summary>
    public string WordAt(int i) => i >= 0 && i < Tokens.Count && Tokens[i].Kind == TokenKind.Word ? Tokens[i].Text : "";

    /// <summary>Index of the first word that is not a polite filler or interjection.</summary>
    public int FirstContent()
    {
        for (var i = 0; i < Tokens.Count; i++)
        {
            var t = Tokens[i];
            if (t.Kind != TokenKind.Word) return i;
            if (t.Text is "please" or "canyou" or "kindly" or "so" or "ok" or "okay" or "hey" or "yo" or "hi" or "now" or "just"
                or "well" or "alright" or "right" or "then" or "and" or "also" or "quickly" or "bot" or "again" or "yes" or "yeah") continue;
            return i;
        }
        return Tokens.Count;
    }

    /// <summary>The clause text for messages.</summary>
    public override string ToString() => string.Join(' ', Tokens.Select(t => t.ToString()));
}
