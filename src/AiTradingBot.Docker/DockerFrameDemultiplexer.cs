using System.Buffers.Binary;
using AiTradingBot.Core.Containers;

namespace AiTradingBot.Docker;

/// <summary>Receives one piece of a demultiplexed stream.</summary>
internal delegate void DockerPayloadHandler(LogStream stream, ReadOnlySpan<byte> payload);

/// <summary>
/// Splits Docker's multiplexed stdout/stderr stream (used when a container has no TTY) into payloads.
/// Each frame is an 8-byte header <c>[stream, 0, 0, 0, size (big-endian uint32)]</c> followed by size bytes; headers and
/// payloads may be split across reads in any way, so state is kept between <see cref="Feed"/> calls.
/// </summary>
internal sealed class DockerFrameDemultiplexer
{
    private readonly byte[] _header = new byte[8];
    private int _headerFilled;
    private LogStream _stream;
    private uint _remaining;
    private bool _raw;
    private bool _sawFrame;

    /// <summary>True when the data turned out not to be multiplexed and is being passed through as stdout.</summary>
    public bool FellBackToRaw => _raw;

    /// <summary>Consumes the next bytes of the stream, calling <paramref name="onPayload"/> for each payload piece.</summary>
    public void Feed(ReadOnlySpan<byte> data, DockerPayloadHandler onPayload)
    {
        while (!data.IsEmpty)
        {
            if (_raw)
            {
                onPayload(LogStream.Stdout, data);
                return;
            }
            if (_remaining > 0)
            {
                var n = (int)Math.Min(_remaining, (uint)data.Length);
                onPayload(_stream, data[..n]);
                _remaining -= (uint)n;
                data = data[n..];
                continue;
            }
            var take = Math.Min(8 - _headerFilled, data.Length);
            data[..take].CopyTo(_header.AsSpan(_headerFilled));
            _headerFilled += take;
            data = data[take..];
            if (_headerFilled < 8) return;
            _headerFilled = 0;
            if (!IsHeader(_header))
            {
                // Only before the first frame: a TTY stream we were told was multiplexed. Show it as it is.
                if (_sawFrame) throw new InvalidDataException("The daemon's log stream has a corrupt frame header.");
                _raw = true;
                onPayload(LogStream.Stdout, _header);
                continue;
            }
            _sawFrame = true;
            // 0 is stdin (echoed when attached), 3 is Docker's "systemerr" for exec failures.
            _stream = _header[0] is 2 or 3 ? LogStream.Stderr : LogStream.Stdout;
            _remaining = BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(4));
        }
    }

    /// <summary>Ends the stream: a short text that never formed a header is passed through as stdout.</summary>
    public void Complete(DockerPayloadHandler onPayload)
    {
        if (!_sawFrame && !_raw && _headerFilled > 0)
        {
            _raw = true;
            onPayload(LogStream.Stdout, _header.AsSpan(0, _headerFilled));
            _headerFilled = 0;
        }
    }

    /// <summary>True when the stream ended in the middle of a frame header or payload.</summary>
    public bool EndedMidFrame => !_raw && (_headerFilled > 0 || _remaining > 0);

    private static bool IsHeader(ReadOnlySpan<byte> h) => h[0] <= 3 && h[1] == 0 && h[2] == 0 && h[3] == 0;
}
