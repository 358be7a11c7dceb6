namespace AiTradingBot.Redis.Resp;

/// <summary>The kinds of reply in RESP2 and RESP3, named after their first byte.</summary>
public enum RespType
{
    /// <summary><c>+OK</c>: a short status line.</summary>
    SimpleString,
    /// <summary><c>-ERR ...</c> or RESP3 <c>!len</c>: an error reply for one command.</summary>
    Error,
    /// <summary><c>:42</c>: a signed 64-bit integer.</summary>
    Integer,
    /// <summary><c>$len</c>: a binary-safe string.</summary>
    BulkString,
    /// <summary><c>*count</c>: an ordered list of replies.</summary>
    Array,
    /// <summary><c>$-1</c>, <c>*-1</c> or RESP3 <c>_</c>: no value.</summary>
    Null,
    /// <summary>RESP3 <c>#t</c>/<c>#f</c>.</summary>
    Boolean,
    /// <summary>RESP3 <c>,1.5</c> (kept as text, parsed on demand).</summary>
    Double,
    /// <summary>RESP3 <c>(12345678901234567890</c> (kept as text).</summary>
    BigNumber,
    /// <summary>RESP3 <c>=len</c> <c>txt:...</c>: a string with a three-letter format (the format is dropped).</summary>
    VerbatimString,
    /// <summary>RESP3 <c>%count</c>: key/value pairs, flattened as key, value, key, value.</summary>
    Map,
    /// <summary>RESP3 <c>~count</c>: an unordered collection.</summary>
    Set,
    /// <summary>RESP3 <c>&gt;count</c>: an out-of-band message such as a pub/sub delivery.</summary>
    Push,
}
