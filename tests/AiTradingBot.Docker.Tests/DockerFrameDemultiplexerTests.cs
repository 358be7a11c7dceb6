using System.Text;
using AiTradingBot.Core.Containers;
using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerFrameDemultiplexerTests
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

    private static List<(LogStream Stream, string Text)> Decode(byte[] data, IEnumerable<int> chunkSizes, bool tty = false)
    {
        var demux = new DockerFrameDemultiplexer();
        var lines = new DockerLineSplitter();
        var offset = 0;
        using var sizes = chunkSizes.GetEnumerator();
        while (offset < data.Length)
        {
            var size = sizes.MoveNext() ? sizes.Current : data.Length - offset;
            size = Math.Min(size, data.Length - offset);
            var chunk = data.AsSpan(offset, size);
            if (tty) lines.Add(LogStream.Stdout, chunk);
            else demux.Feed(chunk, lines.Add);
            offset += size;
        }
        if (!tty) demux.Complete(lines.Add);
        lines.Complete();
        return lines.Lines.ToList();
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
    public void A_stream_that_is_not_multiplexed_is_passed_through_instead_of_garbled()
    {
        var data = Encoding.UTF8.GetBytes("plain text from a tty\nsecond\n");
        Assert.Equal([(LogStream.Stdout, "plain text from a tty"), (LogStream.Stdout, "second")], Decode(data, [2]));
    }

    [Fact]
    public void A_short_unframed_text_is_not_lost()
    {
        Assert.Equal([(LogStream.Stdout, "hi")], Decode(Encoding.UTF8.GetBytes("hi\n"), []));
    }

    [Fact]
    public void Docker_systemerr_frames_count_as_stderr()
    {
        Assert.Equal([(LogStream.Stderr, "exec failed")], Decode(Frame(3, "exec failed\n"), []));
    }

    [Fact]
    public void An_empty_frame_is_skipped()
    {
        byte[] data = [.. Frame(1, ""), .. Frame(1, "x\n")];
        Assert.Equal([(LogStream.Stdout, "x")], Decode(data, [1]));
    }

    [Fact]
    public void A_stream_cut_mid_frame_is_reported_and_keeps_what_arrived()
    {
        var data = Frame(1, "partial line without end");
        var demux = new DockerFrameDemultiplexer();
        var lines = new DockerLineSplitter();
        demux.Feed(data.AsSpan(0, 15), lines.Add);
        Assert.True(demux.EndedMidFrame);
        lines.Complete();
        Assert.Equal([(LogStream.Stdout, "partial")], lines.Lines);
    }

    [Fact]
    public void A_corrupt_header_after_valid_frames_is_an_error_not_garbage()
    {
        byte[] data = [.. Frame(1, "ok\n"), 9, 9, 9, 9, 0, 0, 0, 1, (byte)'x'];
        Assert.Throws<InvalidDataException>(() => Decode(data, []));
    }
}
