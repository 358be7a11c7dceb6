using System.Buffers;
using System.Buffers.Text;

namespace AiTradingBot.Redis.Resp;

/// <summary>
/// Incremental RESP2/RESP3 reply parser over a byte sequence that may end mid-reply (a socket read can split
/// anywhere). <see cref="TryParse"/> either consumes one whole reply or consumes nothing and asks for more bytes.
/// </summary>
public static class RespParser
{
    // Deeper nesting than this is not something Redis sends; refusing it keeps recursion bounded.
    private const int MaxDepth = 64;

    // Redis caps a bulk string at 512 MB by default; anything larger is a corrupt length.
    private const long MaxBulkLength = 512L * 1024 * 1024;

    private static ReadOnlySpan<byte> CrLf => "\r\n"u8;

    /// <summary>
    /// Reads one whole reply from <paramref name="reader"/>. Returns false, with the reader where it started, when the
    /// bytes end before the reply does. Throws <see cref="RespProtocolException"/> on bytes that are not RESP.
    /// RESP3 attributes (<c>|</c>) are read and dropped.
    /// </summary>
    public static bool TryParse(ref SequenceReader<byte> reader, out RespValue value)
    {
        var start = reader.Consumed;
        if (TryParseValue(ref reader, 0, out value)) return true;
        reader.Rewind(reader.Consumed - start);
        value = default;
        return false;
    }

    /// <summary>Parses every whole reply in a complete buffer (for tests and tools); trailing partial bytes throw.</summary>
    public static IReadOnlyList<RespValue> ParseAll(ReadOnlySpan<byte> bytes)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(bytes.ToArray()));
        var values = new List<RespValue>();
        while (!reader.End)
        {
            if (!TryParse(ref reader, out var value)) throw new RespProtocolException("The input ends in the middle of a reply.");
            values.Add(value);
        }
        return values;
    }

    private static bool TryParseValue(ref SequenceReader<byte> reader, int depth, out RespValue value)
    {
        value = default;
        if (depth > MaxDepth) throw new RespProtocolException($"Reply nested deeper than {MaxDepth} levels.");
        if (!reader.TryRead(out var prefix)) return false;
        switch (prefix)
        {
            case (byte)'+':
                return TryReadLineValue(ref reader, RespType.SimpleString, out value);
            case (byte)'-':
                return TryReadLineValue(ref reader, RespType.Error, out value);
            case (byte)',':
                return TryReadLineValue(ref reader, RespType.Double, out value);
            case (byte)'(':
                return TryReadLineValue(ref reader, RespType.BigNumber, out value);
            case (byte)':':
            {
                if (!TryReadInteger(ref reader, out var n)) return false;
                value = RespValue.FromInteger(n);
                return true;
            }
            case (byte)'$':
                return TryReadBlob(ref reader, RespType.BulkString, out value);
            case (byte)'!':
                return TryReadBlob(ref reader, RespType.Error, out value);
            case (byte)'=':
                return TryReadBlob(ref reader, RespType.VerbatimString, out value);
            case (byte)'_':
            {
                if (!TryReadLine(ref reader, out var line)) return false;
                if (line.Length != 0) throw new RespProtocolException("A RESP3 null carries no payload.");
                value = RespValue.Null;
                return true;
            }
            case (byte)'#':
            {
                if (!TryReadLine(ref reader, out var line)) return false;
                if (line.Length != 1) throw new RespProtocolException("A RESP3 boolean is t or f.");
                value = line.FirstSpan[0] switch
                {
                    (byte)'t' => RespValue.FromBoolean(true),
                    (byte)'f' => RespValue.FromBoolean(false),
                    _ => throw new RespProtocolException("A RESP3 boolean is t or f."),
                };
                return true;
            }
            case (byte)'*':
                return TryReadAggregate(ref reader, RespType.Array, 1, depth, out value);
            case (byte)'~':
                return TryReadAggregate(ref reader, RespType.Set, 1, depth, out value);
            case (byte)'>':
                return TryReadAggregate(ref reader, RespType.Push, 1, depth, out value);
            case (byte)'%':
                return TryReadAggregate(ref reader, RespType.Map, 2, depth, out value);
            case (byte)'|':
            {
                // Attributes describe the reply that follows; the client has no use for them.
                if (!TryReadAggregate(ref reader, RespType.Map, 2, depth, out _)) return false;
                return TryParseValue(ref reader, depth, out value);
            }
            default:
                throw new RespProtocolException($"Unexpected RESP type byte 0x{prefix:X2}.");
        }
    }

    private static bool TryReadLine(ref SequenceReader<byte> reader, out ReadOnlySequence<byte> line)
    {
        if (!reader.TryReadTo(out line, CrLf, advancePastDelimiter: true)) return false;
        // A bare LF or CR inside a line means the stream is not RESP (or is desynchronized).
        if (line.PositionOf((byte)'\n') is not null || line.PositionOf((byte)'\r') is not null)
            throw new RespProtocolException("A RESP line contains a stray CR or LF.");
        return true;
    }

    private static bool TryReadLineValue(ref SequenceReader<byte> reader, RespType type, out RespValue value)
    {
        value = default;
        if (!TryReadLine(ref reader, out var line)) return false;
        value = RespValue.FromBytes(type, line.ToArray());
        return true;
    }

    private static bool TryReadInteger(ref SequenceReader<byte> reader, out long value)
    {
        value = 0;
        if (!TryReadLine(ref reader, out var line)) return false;
        value = ParseInteger(line);
        return true;
    }

    private static long ParseInteger(ReadOnlySequence<byte> line)
    {
        Span<byte> scratch = stackalloc byte[24];
        if (line.Length is 0 or > 21) throw new RespProtocolException("A RESP integer is empty or too long.");
        line.CopyTo(scratch);
        var text = scratch[..(int)line.Length];
        if (!Utf8Parser.TryParse(text, out long value, out var used) || used != text.Length)
            throw new RespProtocolException($"Invalid RESP integer '{System.Text.Encoding.ASCII.GetString(text)}'.");
        return value;
    }

    private static bool TryReadBlob(ref SequenceReader<byte> reader, RespType type, out RespValue value)
    {
        value = default;
        if (!TryReadInteger(ref reader, out var length)) return false;
        if (length == -1 && type == RespType.BulkString)
        {
            value = RespValue.Null;
            return true;
        }
        if (length < 0 || length > MaxBulkLength) throw new RespProtocolException($"Invalid blob length {length}.");
        if (reader.Remaining < length + 2) return false;
        var bytes = new byte[length];
        reader.UnreadSequence.Slice(0, length).CopyTo(bytes);
        reader.Advance(length);
        if (!reader.IsNext(CrLf, advancePast: true)) throw new RespProtocolException("A blob is not followed by CRLF.");
        if (type == RespType.VerbatimString)
        {
            // "txt:" or "mkd:" names the format; callers want the text.
            if (bytes.Length < 4 || bytes[3] != (byte)':') throw new RespProtocolException("A verbatim string lacks its format prefix.");
            bytes = bytes[4..];
        }
        value = RespValue.FromBytes(type, bytes);
        return true;
    }

    private static bool TryReadAggregate(ref SequenceReader<byte> reader, RespType type, int perEntry, int depth, out RespValue value)
    {
        value = default;
        if (!TryReadInteger(ref reader, out var count)) return false;
        if (count == -1 && type == RespType.Array)
        {
            value = RespValue.Null;
            return true;
        }
        // Every element takes at least 3 bytes, so a count beyond what could possibly follow is corrupt, not just early.
        if (count < 0 || count > int.MaxValue / 2) throw new RespProtocolException($"Invalid aggregate length {count}.");
        var total = (int)count * perEntry;
        if (reader.Remaining < (long)total * 3) return false;
        var items = total == 0 ? [] : new RespValue[total];
        for (var i = 0; i < total; i++)
        {
            if (!TryParseValue(ref reader, depth + 1, out items[i])) return false;
        }
        value = RespValue.FromItems(type, items);
        return true;
    }
}
