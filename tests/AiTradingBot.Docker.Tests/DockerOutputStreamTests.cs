using System.Text;
using AiTradingBot.Core.Containers;
using Docker.DotNet;
using Xunit;

namespace AiTradingBot.Docker.Tests;

/// <summary>
/// Our reading of the library's <see cref="MultiplexedStream"/>: frames (or raw TTY bytes) arriving in reads of any size
/// become lines per stream, and exec output is capped.
/// </summary>
public sealed class DockerOutputStreamTests
{
    private static byte[] Frame(byte stream, string text)
    {
        var payload = Encoding.UTF8.GetBytes(text);
        var frame = new byte[8 + payload.Length];
        frame[0] = stream;
        frame[4] = (byte)(payload.Length >> 24);
        frame[5] = (byte)(payload.Length >> 16);
        frame[6] = (byte)(payload.Length >> 8);
        frame[7] = (byte)payload.Length;
        payload.CopyTo(frame, 8);
        return frame;
    }

    /// <summary>A stream that hands out at most the next chunk size per read, as a socket may.</summary>
    private sealed class ChunkedStream(byte[] data, IEnumerable<int> chunkSizes) : Stream
    {
        private readonly IEnumerator<int> _sizes = chunkSizes.GetEnumerator();
        private int _offset;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_offset >= data.Length) return 0;
            var size = _sizes.MoveNext() ? _sizes.Current : data.Length - _offset;
            var n = Math.Min(Math.Min(size, count), data.Length - _offset);
            Array.Copy(data, _offset, buffer, offset, n);
            _offset += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var tmp = new byte[buffer.Length];
            var n = Read(tmp, 0, tmp.Length);
            tmp.AsSpan(0, n).CopyTo(buffer.Span);
            return ValueTask.FromResult(n);
        }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _offset; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static List<(LogStream Stream, string Text)> Decode(byte[] data, IEnumerable<int> chunkSizes, bool tty = false)
    {
        using var stream = new MultiplexedStream(new ChunkedStream(data, chunkSizes), multiplexed: !tty);
        return DockerEngineClient.ReadLinesAsync(stream, TestContext.Current.CancellationToken).GetAwaiter().GetResult().ToList();
    }

    private static readonly byte[] TwoStreams =
    [
        .. Frame(1, "tick 1\n"), .. Frame(2, "warn: low balance\n"), .. Frame(1, "tick 2\n"),
    ];

    [Fact]
    public void Stdout_and_stderr_frames_become_lines_tagged_with_their_stream()
    {
        var lines = Decode(TwoStreams, []);
        Assert.Equal(
            [(LogStream.Stdout, "tick 1"), (LogStream.Stderr, "warn: low balance"), (LogStream.Stdout, "tick 2")],
            lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(13)]
    public void Frames_split_across_reads_at_any_byte_decode_the_same(int chunk)
    {
        var lines = Decode(TwoStreams, Enumerable.Repeat(chunk, 1000));
        Assert.Equal(Decode(TwoStreams, []), lines);
    }

    [Fact]
    public void A_line_spread_over_several_frames_is_reassembled_per_stream()
    {
        byte[] data = [.. Frame(1, "hal"), .. Frame(2, "err "), .. Frame(1, "f line\n"), .. Frame(2, "done\n")];
        Assert.Equal([(LogStream.Stdout, "half line"), (LogStream.Stderr, "err done")], Decode(data, [5, 2, 11]));
    }

    [Fact]
    public void A_multibyte_character_split_between_frames_survives()
    {
        var euro = Encoding.UTF8.GetBytes("€");
        byte[] data = [.. Frame(1, "price "), 1, 0, 0, 0, 0, 0, 0, 1, euro[0], 1, 0, 0, 0, 0, 0, 0, 3, euro[1], euro[2], (byte)'\n'];
        Assert.Equal([(LogStream.Stdout, "price €")], Decode(data, [4]));
    }

    [Fact]
    public void Tty_output_is_raw_and_crlf_is_trimmed()
    {
        var data = Encoding.UTF8.GetBytes("hello\r\nworld\r\nno newline");
        Assert.Equal(
            [(LogStream.Stdout, "hello"), (LogStream.Stdout, "world"), (LogStream.Stdout, "no newline")],
            Decode(data, [3], tty: true));
    }

    [Fact]
    public void An_empty_frame_is_skipped()
    {
        byte[] data = [.. Frame(1, ""), .. Frame(1, "x\n")];
        Assert.Equal([(LogStream.Stdout, "x")], Decode(data, [1]));
    }

    [Fact]
    public async Task Exec_output_is_capped_and_marked_truncated()
    {
        var data = Frame(1, new string('x', 3000));
        using var stream = new MultiplexedStream(new ChunkedStream(data, Enumerable.Repeat(100, 100)), multiplexed: true);
        var (bytes, length, truncated) = await DockerEngineClient.ReadCappedAsync(stream, 1024, TestContext.Current.CancellationToken);
        Assert.Equal(1024, length);
        Assert.True(truncated);
        Assert.All(bytes.Take(length), b => Assert.Equal((byte)'x', b));
    }

    [Fact]
    public async Task Exec_output_below_the_cap_is_kept_whole_in_arrival_order()
    {
        byte[] data = [.. Frame(1, "healthy\n"), .. Frame(2, "db: timeout\n")];
        using var stream = new MultiplexedStream(new ChunkedStream(data, [3, 5, 2]), multiplexed: true);
        var (bytes, length, truncated) = await DockerEngineClient.ReadCappedAsync(stream, 1024, TestContext.Current.CancellationToken);
        Assert.False(truncated);
        Assert.Equal("healthy\ndb: timeout\n", Encoding.UTF8.GetString(bytes, 0, length));
    }
}
