using System.Text;
using AiTradingBot.Core.Containers;

namespace AiTradingBot.Docker;

/// <summary>
/// Reassembles payload pieces into lines per stream: a line may arrive in several frames or reads, and stdout and
/// stderr are buffered separately so interleaved frames do not mix half-lines.
/// </summary>
internal sealed class DockerLineSplitter(int maxLineBytes = 64 * 1024)
{
    private readonly MemoryStream _stdout = new();
    private readonly MemoryStream _stderr = new();
    private readonly List<(LogStream Stream, string Text)> _lines = [];

    /// <summary>Complete lines so far, in the order they were completed.</summary>
    public IReadOnlyList<(LogStream Stream, string Text)> Lines => _lines;

    /// <summary>Adds bytes of one stream.</summary>
    public void Add(LogStream stream, ReadOnlySpan<byte> payload)
    {
        var buffer = stream == LogStream.Stderr ? _stderr : _stdout;
        while (!payload.IsEmpty)
        {
            var nl = payload.IndexOf((byte)'\n');
            if (nl < 0)
            {
                buffer.Write(payload);
                if (buffer.Length >= maxLineBytes) Flush(stream, buffer);
                return;
            }
            buffer.Write(payload[..nl]);
            Flush(stream, buffer);
            payload = payload[(nl + 1)..];
        }
    }

    /// <summary>Emits unterminated last lines.</summary>
    public void Complete()
    {
        if (_stdout.Length > 0) Flush(LogStream.Stdout, _stdout);
        if (_stderr.Length > 0) Flush(LogStream.Stderr, _stderr);
    }

    private void Flush(LogStream stream, MemoryStream buffer)
    {
        var span = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        if (!span.IsEmpty && span[^1] == (byte)'\r') span = span[..^1];
        _lines.Add((stream, Encoding.UTF8.GetString(span)));
        buffer.SetLength(0);
    }
}
