using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace AiTradingBot.Redis.Resp;

/// <summary>
/// Encodes commands as RESP arrays of bulk strings into a reusable growable buffer, so that many queued commands
/// leave in one socket write.
/// </summary>
public sealed class RespWriter
{
    private byte[] _buffer;
    private int _written;

    /// <summary>Creates a writer with an initial capacity (it grows as needed).</summary>
    public RespWriter(int initialCapacity = 16 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 64));
    }

    /// <summary>Bytes encoded and not yet taken.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _written);

    /// <summary>Number of bytes encoded and not yet taken.</summary>
    public int Length => _written;

    /// <summary>Forgets the encoded bytes (after they were sent), keeping the buffer unless one huge value grew it.</summary>
    public void Clear()
    {
        _written = 0;
        if (_buffer.Length > 1024 * 1024)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        }
    }

    /// <summary>Encodes one command: <c>*N CRLF</c> then each argument as <c>$len CRLF bytes CRLF</c>.</summary>
    public void WriteCommand(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0) throw new ArgumentException("A command has at least its name.", nameof(args));
        WriteHeader((byte)'*', args.Count);
        for (var i = 0; i < args.Count; i++) WriteBulkString(args[i]);
    }

    /// <summary>Encodes one bulk string.</summary>
    public void WriteBulkString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = Encoding.UTF8.GetByteCount(value);
        WriteHeader((byte)'$', length);
        var span = Reserve(length + 2);
        Encoding.UTF8.GetBytes(value, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        _written += length + 2;
    }

    private void WriteHeader(byte prefix, int count)
    {
        var span = Reserve(1 + 11 + 2);
        span[0] = prefix;
        Utf8Formatter.TryFormat(count, span[1..], out var digits);
        span[1 + digits] = (byte)'\r';
        span[2 + digits] = (byte)'\n';
        _written += 3 + digits;
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _written < size)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + size));
            _buffer.AsSpan(0, _written).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        return _buffer.AsSpan(_written);
    }
}
