using System.Net;
using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerApiVersionTests
{
    [Theory]
    [InlineData("1.41", 1, 41)]
    [InlineData(" 1.43 ", 1, 43)]
    [InlineData("v1.24", 1, 24)]
    [InlineData("1.45.0", 1, 45)]
    public void Versions_parse(string text, int major, int minor)
    {
        Assert.True(DockerApiVersion.TryParse(text, out var v));
        Assert.Equal(new DockerApiVersion(major, minor), v);
    }

    [Theory]
    [InlineData("")]
    [InlineData("4")]
    [InlineData("one.two")]
    [InlineData(null)]
    public void Garbage_does_not_parse(string? text) => Assert.False(DockerApiVersion.TryParse(text, out _));

    [Fact]
    public void Negotiation_uses_the_lower_of_the_daemons_and_ours()
    {
        Assert.Equal(new DockerApiVersion(1, 41), DockerApiVersion.Negotiate(new DockerApiVersion(1, 41)));
        Assert.Equal(DockerApiVersion.ClientMaximum, DockerApiVersion.Negotiate(new DockerApiVersion(1, 47)));
        Assert.Equal("1.9", new DockerApiVersion(1, 9).ToString());
        Assert.True(new DockerApiVersion(1, 9).CompareTo(new DockerApiVersion(1, 10)) < 0);
    }

    [Fact]
    public void The_ping_header_is_read()
    {
        using var r = new HttpResponseMessage(HttpStatusCode.OK);
        r.Headers.TryAddWithoutValidation("Api-Version", "1.41");
        Assert.Equal(new DockerApiVersion(1, 41), DockerEngineClient.ReadApiVersionHeader(r));
        using var none = new HttpResponseMessage(HttpStatusCode.OK);
        Assert.Null(DockerEngineClient.ReadApiVersionHeader(none));
    }
}
