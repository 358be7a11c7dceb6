using System.Net.Sockets;
using AiTradingBot.Core.Containers;
using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerErrorMapperTests
{
    private static readonly DockerEndpoint Socket = DockerEndpoint.Parse("unix:///var/run/docker.sock");
    private static readonly DockerEndpoint Proxy = DockerEndpoint.Parse("tcp://socket-proxy:2375");

    [Fact]
    public void The_daemons_message_field_is_extracted()
    {
        Assert.Equal("No such container: alpha", DockerErrorMapper.ExtractMessage("""{"message":"No such container: alpha"}"""));
        Assert.Equal("plain text", DockerErrorMapper.ExtractMessage("plain text\n"));
        Assert.Equal("", DockerErrorMapper.ExtractMessage(null));
        Assert.Equal("{broken", DockerErrorMapper.ExtractMessage("{broken"));
        Assert.True(DockerErrorMapper.ExtractMessage(new string('x', 5000)).Length <= 301);
    }

    [Fact]
    public void A_404_for_a_container_names_it_and_points_to_config_or_launch()
    {
        var ex = DockerErrorMapper.FromStatus(404, """{"message":"No such container: alpha"}""", Socket, "stop container 'alpha'", "alpha");
        var nf = Assert.IsType<ContainerNotFoundException>(ex);
        Assert.Equal("alpha", nf.Container);
        Assert.Contains("'alpha'", ex.Message);
        Assert.Contains("unix:///var/run/docker.sock", ex.Message);
        Assert.Contains("Systems:<name>:Container", ex.Message);
        Assert.Contains("launch", ex.Message);
    }

    [Fact]
    public void A_404_for_a_missing_image_says_to_pull_it()
    {
        var ex = DockerErrorMapper.FromStatus(404, """{"message":"No such image: bot:2"}""", Socket, "create container 'x' from image 'bot:2'", null);
        Assert.IsNotType<ContainerNotFoundException>(ex);
        Assert.Contains("Pull or build the image", ex.Message);
        Assert.Contains("No such image: bot:2", ex.Message);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public void A_refusal_from_a_socket_proxy_says_which_sections_to_allow(int status)
    {
        var ex = DockerErrorMapper.FromStatus(status, "Forbidden", Proxy, "run 'health' in container 'alpha'", "alpha");
        Assert.IsType<ContainerRuntimeAccessDeniedException>(ex);
        Assert.Contains("tcp://socket-proxy:2375", ex.Message);
        Assert.Contains("EXEC=1", ex.Message);
    }

    [Fact]
    public void A_409_is_a_conflict_with_the_daemons_reason()
    {
        var ex = DockerErrorMapper.FromStatus(409, """{"message":"Container abc is not running"}""", Socket, "run 'health' in container 'alpha'", "alpha");
        var c = Assert.IsType<ContainerRuntimeConflictException>(ex);
        Assert.Equal(409, c.StatusCode);
        Assert.Contains("Container abc is not running", ex.Message);
    }

    [Fact]
    public void A_500_is_a_daemon_failure_with_status_and_reason()
    {
        var ex = DockerErrorMapper.FromStatus(500, """{"cause":"x","message":"driver failed","response":500}""", Socket, "start container 'alpha'", "alpha");
        var c = Assert.IsType<ContainerRuntimeConflictException>(ex);
        Assert.Equal(500, c.StatusCode);
        Assert.Contains("HTTP 500", ex.Message);
        Assert.Contains("driver failed", ex.Message);
        Assert.Contains("start container 'alpha'", ex.Message);
    }

    [Fact]
    public void Connection_refused_is_unavailable_and_names_the_endpoint()
    {
        var ex = DockerErrorMapper.FromTransport(new HttpRequestException("boom", new SocketException((int)SocketError.ConnectionRefused)),
            Proxy, "list containers");
        Assert.IsType<ContainerRuntimeUnavailableException>(ex);
        Assert.Contains("tcp://socket-proxy:2375", ex.Message);
        Assert.Contains("connection refused", ex.Message);
        Assert.Contains("Docker:Endpoint", ex.Message);
    }

    [Fact]
    public void A_missing_socket_file_is_named()
    {
        var endpoint = DockerEndpoint.Parse("unix:///nonexistent/dir/docker.sock");
        var ex = DockerErrorMapper.FromTransport(new HttpRequestException("x", new SocketException((int)SocketError.AddressNotAvailable)), endpoint, "stop container 'alpha'");
        Assert.IsType<ContainerRuntimeUnavailableException>(ex);
        Assert.Contains("/nonexistent/dir/docker.sock does not exist", ex.Message);
    }

    [Fact]
    public void Permission_denied_on_the_socket_is_access_denied_with_what_to_do()
    {
        var ex = DockerErrorMapper.FromTransport(new HttpRequestException("x", new SocketException((int)SocketError.AccessDenied)), Socket, "stop container 'alpha'");
        Assert.IsType<ContainerRuntimeAccessDeniedException>(ex);
        Assert.Contains("Permission denied", ex.Message);
        Assert.Contains("docker group", ex.Message);
        Assert.Contains("socket proxy", ex.Message);
    }

    [Fact]
    public void A_dropped_connection_mid_answer_is_unavailable()
    {
        var ex = DockerErrorMapper.FromTransport(new IOException("The response ended prematurely."), Proxy, "stop container 'alpha'");
        Assert.IsType<ContainerRuntimeUnavailableException>(ex);
        Assert.Contains("dropped", ex.Message);
    }

    [Fact]
    public void A_timeout_is_unavailable_and_names_the_setting()
    {
        var ex = DockerErrorMapper.Timeout(Socket, "inspect container 'alpha'", TimeSpan.FromSeconds(10), new TaskCanceledException());
        Assert.Contains("did not answer within 10 s", ex.Message);
        Assert.Contains("Docker:RequestTimeoutSeconds", ex.Message);
    }
}
