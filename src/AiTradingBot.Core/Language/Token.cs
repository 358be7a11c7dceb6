namespace AiTradingBot.Core.Language;

/// <summary>What a token is.</summary>
internal enum TokenKind : byte
{
    /// <summary>A lower-cased word (contractions expanded, phrases merged).</summary>
    Word,
    /// <summary>A number, already scaled (45k → 45000).</summary>
    Number,
    /// <summary>A clock time such as 8am, 9:30 or 18:00.</summary>
    Time,
    /// <summary>Punctuation that can separate clauses: , ; . ! ? :</summary>
    Punct,
    /// <summary>Text in quotes, original case (a grep pattern).</summary>
    Quoted,
}

/// <summary>How a number was written.</summary>
[Flags]
internal enum NumberFlags : ushort
{
    None = 0,
    /// <summary>Written with a currency marker ($500, 500$).</summary>
    Dollar = 1,
    /// <summary>Followed by % or "percent".</summary>
    Percent = 2,
    /// <summary>Written as a leverage multiplier (5x, x5).</summary>
    Leverage = 4,
    /// <summary>Scaled by a k / thousand suffix.</summary>
    Thousands = 8,
    /// <summary>Scaled by an m / million suffix (which also reads as minutes in "10m").</summary>
    Million = 16,
    /// <summary>An ordinal (1st, 15th).</summary>
    Ordinal = 32,
    /// <summary>Spelled out in words (a hundred, two).</summary>
    Spelled = 64,
    /// <summary>Written with a fraction part or a leading dot.</summary>
    Fraction = 128,
}

/// <summary>One token of a message. <see cref="Raw"/> is the number before any k/m scaling.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, decimal Value = 0, decimal Raw = 0, NumberFlags Flags = NumberFlags.None, int Hour = 0, int Minute = 0, bool Upper = false)
{
    /// <summary>Whether this is the word <paramref name="w"/>.</summary>
    public bool Is(string w) => Kind == TokenKind.Word && Text == w;

    /// <summary>Whether this is a word.</summary>
    public bool IsWord => Kind == TokenKind.Word;

    /// <summary>Whether this is a number.</summary>
    public bool IsNumber => Kind == TokenKind.Number;

    /// <summary>Whether this is a number with all of the given flags.</summary>
    public bool Has(NumberFlags f) => Kind == TokenKind.Number && (Flags & f) == f;

    public static Token Word(string text, bool upper = false) => new(TokenKind.Word, text, Upper: upper);

    public static Token Punct(char c) => new(TokenKind.Punct, c.ToString());

    public static Token Number(decimal value, decimal raw, NumberFlags flags, string text) => new(TokenKind.Number, text, value, raw, flags);

    public override string ToString() => Kind switch
    {
        TokenKind.Number => Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TokenKind.Time => $"{Hour}:{Minute:00}",
        _ => Text,
    };
}
