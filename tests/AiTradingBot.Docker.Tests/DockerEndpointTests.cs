using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerEndpointTests
{
    [Fact]
    public void A_unix_endpoint_names_its_socket()
    {
        var e = DockerEndpoint.Parse("unix:///var/run/docker.sock");
        Assert.True(e.IsUnixSocket);
        Assert.Equal("/var/run/docker.sock", e.SocketPath);
        Assert.Equal("unix:///var/run/docker.sock", e.ToString());
    }

    [Theory]
    [InlineData("tcp://socket-proxy:2375", "socket-proxy", 2375)]
    [InlineData("tcp://127.0.0.1:23750", "127.0.0.1", 23750)]
    [InlineData("tcp://socket-proxy", "socket-proxy", 2375)]
    [InlineData("http://proxy:80", "proxy", 80)]
    public void A_tcp_endpoint_has_host_and_port(string text, string host, int port)
    {
        var e = DockerEndpoint.Parse(text);
        Assert.False(e.IsUnixSocket);
        Assert.Equal(host, e.Host);
        Assert.Equal(port, e.Port);
        Assert.Equal(new Uri($"http://{host}:{port}/"), e.BaseAddress);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("unix://relative.sock", "absolute")]
    [InlineData("https://docker:2376", "TLS")]
    [InlineData("npipe:////./pipe/docker_engine", "neither")]
    [InlineData("tcp://host:2375/path", "host:port")]
    [InlineData("tcp://user:pw@host:2375", "host:port")]
    public void Bad_endpoints_say_what_is_wrong(string text, string fragment)
    {
        Assert.False(DockerEndpoint.TryParse(text, out _, out var error));
        Assert.Contains(fragment, error);
    }
}
