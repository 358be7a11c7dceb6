using System.Buffers;
using System.Text;
using AiTradingBot.Redis.Resp;
using Xunit;

namespace AiTradingBot.Storage.Tests.Redis;

public sealed class RespParserTests
{
    private static RespValue ParseOne(string wire)
    {
        var values = RespParser.ParseAll(Encoding.UTF8.GetBytes(wire));
        Assert.Single(values);
        return values[0];
    }

    [Fact]
    public void Simple_string_error_and_integer_replies_are_read()
    {
        Assert.Equal("OK", ParseOne("+OK\r\n").AsString());
        Assert.Equal(RespType.SimpleString, ParseOne("+PONG\r\n").Type);
        var error = ParseOne("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
        Assert.True(error.IsError);
        Assert.StartsWith("WRONGTYPE", error.AsString());
        Assert.Equal(-42, ParseOne(":-42\r\n").AsInt64());
        Assert.Equal(long.MaxValue, ParseOne(":9223372036854775807\r\n").AsInt64());
    }

    [Fact]
    public void Bulk_strings_are_binary_safe_and_may_contain_crlf()
    {
        var value = ParseOne("$12\r\nhello\r\nworld\r\n");
        Assert.Equal(RespType.BulkString, value.Type);
        Assert.Equal("hello\r\nworld", value.AsString());
        Assert.Equal("", ParseOne("$0\r\n\r\n").AsString());
        Assert.Equal("héllo", ParseOne("$6\r\nhéllo\r\n").AsString());
    }

    [Fact]
    public void Null_bulk_string_null_array_and_resp3_null_are_null()
    {
        Assert.True(ParseOne("$-1\r\n").IsNull);
        Assert.True(ParseOne("*-1\r\n").IsNull);
        Assert.True(ParseOne("_\r\n").IsNull);
        Assert.Null(ParseOne("$-1\r\n").AsString());
    }

    [Fact]
    public void Nested_arrays_with_mixed_elements_keep_their_order()
    {
        var value = ParseOne("*3\r\n$1\r\n0\r\n*2\r\n$3\r\nk:1\r\n$-1\r\n:7\r\n");
        Assert.Equal(RespType.Array, value.Type);
        Assert.Equal(3, value.Items.Count);
        Assert.Equal("0", value.Items[0].AsString());
        Assert.Equal("k:1", value.Items[1].Items[0].AsString());
        Assert.True(value.Items[1].Items[1].IsNull);
        Assert.Equal(7, value.Items[2].AsInt64());
        Assert.Empty(ParseOne("*0\r\n").Items);
    }

    [Fact]
    public void Resp3_types_are_read()
    {
        Assert.True(ParseOne("#t\r\n").AsBoolean());
        Assert.False(ParseOne("#f\r\n").AsBoolean());
        Assert.Equal(1.5, ParseOne(",1.5\r\n").AsDouble());
        Assert.Equal(double.PositiveInfinity, ParseOne(",inf\r\n").AsDouble());
        Assert.Equal("3492890328409238509324850943850943825024385", ParseOne("(3492890328409238509324850943850943825024385\r\n").AsString());
        Assert.Equal("Some string", ParseOne("=15\r\ntxt:Some string\r\n").AsString());
        var blobError = ParseOne("!21\r\nSYNTAX invalid syntax\r\n");
        Assert.True(blobError.IsError);
        Assert.Equal("SYNTAX invalid syntax", blobError.AsString());
        var map = ParseOne("%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n");
        Assert.Equal(RespType.Map, map.Type);
        Assert.Equal(new string?[] { "first", "1", "second", "2" }, map.Items.Select(i => i.AsString()).ToArray());
        Assert.Equal(RespType.Set, ParseOne("~2\r\n+a\r\n+b\r\n").Type);
        var push = ParseOne(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n");
        Assert.Equal(RespType.Push, push.Type);
        // Attributes are dropped; the value that follows is the reply.
        Assert.Equal(42, ParseOne("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.1923\r\n:42\r\n").AsInt64());
    }

    [Fact]
    public void A_reply_split_at_every_byte_is_read_only_when_complete()
    {
        var wire = Encoding.UTF8.GetBytes("*2\r\n$5\r\nhello\r\n*2\r\n:1\r\n$-1\r\n+OK\r\n");
        for (var cut = 0; cut < wire.Length; cut++)
        {
            // Feed the first `cut` bytes: nothing beyond whole replies may be consumed.
            var partial = new SequenceReader<byte>(new ReadOnlySequence<byte>(wire, 0, cut));
            var parsed = new List<RespValue>();
            while (RespParser.TryParse(ref partial, out var v)) parsed.Add(v);
            var remainder = wire.AsSpan((int)partial.Consumed).ToArray();
            Assert.True(parsed.Count <= 2);
            // Then the rest arrives: everything is read exactly once.
            var rest = new SequenceReader<byte>(new ReadOnlySequence<byte>(remainder));
            while (RespParser.TryParse(ref rest, out var v)) parsed.Add(v);
            Assert.True(rest.End);
            Assert.Equal(2, parsed.Count);
            Assert.Equal("hello", parsed[0].Items[0].AsString());
            Assert.True(parsed[0].Items[1].Items[1].IsNull);
            Assert.Equal("OK", parsed[1].AsString());
        }
    }

    [Fact]
    public void A_reply_spread_over_many_buffer_segments_is_read()
    {
        var wire = Encoding.UTF8.GetBytes("$11\r\nhello world\r\n:5\r\n");
        // One segment per byte: the worst split a pipe can produce.
        Segment? first = null, last = null;
        foreach (var b in wire)
        {
            var segment = new Segment(new[] { b });
            if (first is null) first = last = segment;
            else last = last!.Append(segment);
        }
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(first!, 0, last!, 1));
        Assert.True(RespParser.TryParse(ref reader, out var bulk));
        Assert.Equal("hello world", bulk.AsString());
        Assert.True(RespParser.TryParse(ref reader, out var n));
        Assert.Equal(5, n.AsInt64());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData(":12x\r\n")]
    [InlineData("$3\r\nabcd\r\n")]
    [InlineData("$-5\r\n")]
    [InlineData("*-2\r\n")]
    [InlineData("+a\rb\r\n")]
    [InlineData("#x\r\n")]
    public void Bytes_that_are_not_resp_are_rejected(string wire)
    {
        Assert.Throws<RespProtocolException>(() => RespParser.ParseAll(Encoding.UTF8.GetBytes(wire)));
    }

    [Fact]
    public void Writer_encodes_a_command_as_an_array_of_bulk_strings()
    {
        var writer = new RespWriter(64);
        writer.WriteCommand(["SET", "k", "héllo", "PX", "1500"]);
        Assert.Equal("*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\nhéllo\r\n$2\r\nPX\r\n$4\r\n1500\r\n", Encoding.UTF8.GetString(writer.Written.Span));
        writer.Clear();
        writer.WriteCommand(["GET", ""]);
        Assert.Equal("*2\r\n$3\r\nGET\r\n$0\r\n\r\n", Encoding.UTF8.GetString(writer.Written.Span));
    }

    [Fact]
    public void Writer_grows_for_large_values_and_round_trips_through_the_parser()
    {
        var writer = new RespWriter(64);
        var big = new string('x', 200_000);
        for (var i = 0; i < 3; i++) writer.WriteCommand(["SET", $"key{i}", big]);
        var commands = RespParser.ParseAll(writer.Written.Span);
        Assert.Equal(3, commands.Count);
        Assert.All(commands, c => Assert.Equal(big, c.Items[2].AsString()));
        Assert.Equal("key2", commands[2].Items[1].AsString());
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
