using System.Globalization;
using System.Text;

namespace AiTradingBot.Redis.Resp;

/// <summary>One parsed reply. Strings keep their bytes (Redis strings are binary); <see cref="AsString"/> decodes UTF-8.</summary>
public readonly struct RespValue
{
    private static readonly byte[] OkBytes = "OK"u8.ToArray();

    private readonly byte[]? _bytes;
    private readonly RespValue[]? _items;
    private readonly long _integer;

    private RespValue(RespType type, byte[]? bytes, long integer, RespValue[]? items)
    {
        Type = type;
        _bytes = bytes;
        _integer = integer;
        _items = items;
    }

    /// <summary>The kind of reply.</summary>
    public RespType Type { get; }

    /// <summary>The shared <c>+OK</c> reply (most write commands answer it, so it is not allocated each time).</summary>
    public static RespValue Ok { get; } = new(RespType.SimpleString, OkBytes, 0, null);

    /// <summary>The null reply.</summary>
    public static RespValue Null { get; } = new(RespType.Null, null, 0, null);

    /// <summary>True for a null reply (RESP2 null bulk string or array, RESP3 null).</summary>
    public bool IsNull => Type == RespType.Null;

    /// <summary>True for an error reply.</summary>
    public bool IsError => Type == RespType.Error;

    /// <summary>The raw bytes of a string-like reply (simple, bulk, verbatim, error, double, big number), else null.</summary>
    public ReadOnlyMemory<byte>? Bytes => _bytes;

    /// <summary>The children of an array, map, set or push reply, else an empty list.</summary>
    public IReadOnlyList<RespValue> Items => _items ?? [];

    /// <summary>Creates a string-like value of the given type.</summary>
    public static RespValue FromBytes(RespType type, byte[] bytes) =>
        type == RespType.SimpleString && bytes.AsSpan().SequenceEqual(OkBytes) ? Ok : new(type, bytes, 0, null);

    /// <summary>Creates an integer reply.</summary>
    public static RespValue FromInteger(long value) => new(RespType.Integer, null, value, null);

    /// <summary>Creates a boolean reply (RESP3).</summary>
    public static RespValue FromBoolean(bool value) => new(RespType.Boolean, null, value ? 1 : 0, null);

    /// <summary>Creates an aggregate reply (array, map, set, push).</summary>
    public static RespValue FromItems(RespType type, RespValue[] items) => new(type, null, 0, items);

    /// <summary>The value as text: strings decoded as UTF-8, integers and booleans formatted; null for a null reply.</summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.Boolean => _integer != 0 ? "true" : "false",
        _ when _bytes is not null => Encoding.UTF8.GetString(_bytes),
        _ => throw new InvalidCastException($"A {Type} reply has no text value."),
    };

    /// <summary>The value as an integer (an integer reply, or a string that holds one).</summary>
    public long AsInt64() => Type switch
    {
        RespType.Integer or RespType.Boolean => _integer,
        _ when _bytes is not null && long.TryParse(_bytes, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new InvalidCastException($"A {Type} reply is not an integer."),
    };

    /// <summary>The value as a double (RESP3 double, or a string holding a number; <c>inf</c>/<c>-inf</c>/<c>nan</c> accepted).</summary>
    public double AsDouble()
    {
        if (Type == RespType.Integer) return _integer;
        var text = AsString() ?? throw new InvalidCastException("A null reply is not a number.");
        return text switch
        {
            "inf" or "+inf" => double.PositiveInfinity,
            "-inf" => double.NegativeInfinity,
            "nan" or "-nan" => double.NaN,
            _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
    }

    /// <summary>True for a RESP3 <c>#t</c> or a non-zero integer.</summary>
    public bool AsBoolean() => Type is RespType.Boolean or RespType.Integer
        ? _integer != 0
        : throw new InvalidCastException($"A {Type} reply is not a boolean.");

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        RespType.Null => "(nil)",
        RespType.Array or RespType.Map or RespType.Set or RespType.Push => $"{Type}[{Items.Count}]",
        _ => $"{Type}:{AsString()}",
    };
}
