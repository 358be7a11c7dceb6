using System.Text;
using System.Text.Json;
using AiTradingBot.Core.Containers;
using AiTradingBot.Docker.Api;
using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerClientParsingTests
{
    [Fact]
    public void Inspect_maps_state_health_restarts_times_exit_code_tty_labels_and_policy()
    {
        var dto = JsonSerializer.Deserialize<ContainerInspectResponse>("""
            {"Id":"abc","Name":"/alpha","RestartCount":3,
             "State":{"Status":"exited","Running":false,"ExitCode":137,"StartedAt":"2026-01-01T10:00:00.123456789Z",
                      "FinishedAt":"2026-01-01T11:00:00Z","Health":{"Status":"unhealthy"}},
             "Config":{"Image":"bot:1","Tty":true,"Labels":{"aitradingbot.managed":"true"}},
             "HostConfig":{"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":5}}}
            """, new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        var info = DockerEngineClient.ToInfo(dto, "alpha");
        Assert.Equal("alpha", info.Name);
        Assert.Equal("exited", info.State);
        Assert.False(info.Running);
        Assert.Equal("unhealthy", info.Health);
        Assert.Equal(3, info.RestartCount);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567), info.StartedAt);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 11, 0, 0, TimeSpan.Zero), info.FinishedAt);
        Assert.Equal(137, info.ExitCode);
        Assert.True(info.Tty);
        Assert.Equal("bot:1", info.Image);
        Assert.Equal("true", info.Labels["aitradingbot.managed"]);
        Assert.Equal("on-failure:5", info.RestartPolicy);
    }

    [Fact]
    public void Inspect_of_a_never_exited_container_has_no_exit_code_and_podmans_empty_health_is_none()
    {
        var dto = JsonSerializer.Deserialize<ContainerInspectResponse>("""
            {"Id":"abc","Name":"/alpha","State":{"Status":"running","Running":true,"ExitCode":0,"StartedAt":"2026-11-22T00:39:21.536792396Z",
             "FinishedAt":"0001-01-01T00:00:00Z","Health":{"Status":"","FailingStreak":0,"Log":null}},
             "HostConfig":{"RestartPolicy":{"Name":"","MaximumRetryCount":0}},"Config":{"Labels":null}}
            """, new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        var info = DockerEngineClient.ToInfo(dto, "alpha");
        Assert.Null(info.ExitCode);
        Assert.Null(info.FinishedAt);
        Assert.Null(info.Health);
        Assert.Equal("no", info.RestartPolicy);
        Assert.Empty(info.Labels);
    }

    [Fact]
    public void An_empty_inspect_answer_does_not_crash()
    {
        var info = DockerEngineClient.ToInfo(new ContainerInspectResponse(), "alpha");
        Assert.Equal("alpha", info.Name);
        Assert.Equal("unknown", info.State);
    }

    [Theory]
    [InlineData("2026-11-22T00:39:22Z text here", "text here", true)]
    [InlineData("2026-11-22T00:39:22.123456789Z ", "", true)]
    [InlineData("not a time text", "not a time text", false)]
    public void Timestamped_log_lines_are_split(string raw, string text, bool hasTime)
    {
        var line = DockerEngineClient.ToLogLine(LogStream.Stdout, raw, timestamps: true);
        Assert.Equal(text, line.Text);
        Assert.Equal(hasTime, line.Timestamp is not null);
    }

    [Theory]
    [InlineData("no", "no", 0)]
    [InlineData("Always", "always", 0)]
    [InlineData("unless-stopped", "unless-stopped", 0)]
    [InlineData("on-failure:3", "on-failure", 3)]
    [InlineData(null, "no", 0)]
    public void Restart_policies_parse(string? text, string name, int retries)
    {
        var p = DockerEngineClient.ParseRestartPolicy(text);
        Assert.Equal(name, p.Name);
        Assert.Equal(retries, p.MaximumRetryCount);
    }

    [Fact]
    public void An_unknown_restart_policy_is_refused() =>
        Assert.Contains("not a restart policy", Assert.Throws<ContainerRuntimeException>(() => DockerEngineClient.ParseRestartPolicy("sometimes")).Message);

    [Fact]
    public void Exec_output_cut_inside_a_character_drops_the_half_character()
    {
        var bytes = Encoding.UTF8.GetBytes("ok €");
        Assert.Equal("ok ", DockerEngineClient.DecodeUtf8Prefix(bytes, bytes.Length - 1));
        Assert.Equal("ok €", DockerEngineClient.DecodeUtf8Prefix(bytes, bytes.Length));
        Assert.Equal("", DockerEngineClient.DecodeUtf8Prefix(bytes, 0));
    }

    [Fact]
    public async Task Exec_output_is_capped_and_marked_truncated()
    {
        var payload = Encoding.ASCII.GetBytes(new string('x', 3000));
        byte[] frame = [1, 0, 0, 0, 0, 0, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];
        using var response = new HttpResponseMessage { Content = new ByteArrayContent(frame) };
        var (bytes, length, truncated) = await DockerEngineClient.ReadExecOutputAsync(response, 1024, TestContext.Current.CancellationToken);
        Assert.Equal(1024, length);
        Assert.True(truncated);
        Assert.All(bytes.Take(length), b => Assert.Equal((byte)'x', b));
    }

    [Fact]
    public void The_create_body_is_never_privileged_and_has_no_binds()
    {
        var body = new ContainerCreateRequest
        {
            Image = "bot:1",
            Env = ["A=1"],
            Labels = new Dictionary<string, string> { ["aitradingbot.managed"] = "true" },
            StopTimeout = 20,
            HostConfig = new ContainerCreateRequest.CreateHostConfig { RestartPolicy = new RestartPolicyDto { Name = "no" } },
        };
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(body));
        var host = doc.RootElement.GetProperty("HostConfig");
        Assert.False(host.GetProperty("Privileged").GetBoolean());
        Assert.Equal(0, host.GetProperty("Binds").GetArrayLength());
        Assert.False(host.TryGetProperty("NetworkMode", out _));
        Assert.False(host.TryGetProperty("PidMode", out _));
        Assert.Equal(20, doc.RootElement.GetProperty("StopTimeout").GetInt32());
    }
}
