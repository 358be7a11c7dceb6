using AiTradingBot.Core.Containers;
using Docker.DotNet.Models;
using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerClientParsingTests
{
    [Fact]
    public void Inspect_maps_state_health_restarts_times_exit_code_tty_labels_and_policy()
    {
        var r = new ContainerInspectResponse
        {
            ID = "abc",
            Name = "/alpha",
            RestartCount = 3,
            State = new State
            {
                Status = "exited", Running = false, ExitCode = 137, StartedAt = "2026-01-01T10:00:00.123456789Z", FinishedAt = "2026-01-01T11:00:00Z",
                Health = new Health { Status = "unhealthy" },
            },
            Config = new ContainerConfig { Image = "bot:1", Tty = true, Labels = new Dictionary<string, string> { ["aitradingbot.managed"] = "true" } },
            HostConfig = new HostConfig { RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.OnFailure, MaximumRetryCount = 5 } },
        };
        var info = DockerEngineClient.ToInfo(r, "alpha");
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
        // As Podman 4.3 answers: FinishedAt is the zero time, Health has an empty status, the policy name is empty.
        var r = new ContainerInspectResponse
        {
            ID = "abc",
            Name = "/alpha",
            State = new State { Status = "running", Running = true, ExitCode = 0, StartedAt = "2026-11-22T00:39:21.536792396Z", FinishedAt = "0001-01-01T00:00:00Z", Health = new Health { Status = "" } },
            HostConfig = new HostConfig { RestartPolicy = new RestartPolicy { Name = RestartPolicyKind.Undefined } },
            Config = new ContainerConfig(),
        };
        var info = DockerEngineClient.ToInfo(r, "alpha");
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
    [InlineData("no", RestartPolicyKind.No, 0)]
    [InlineData("Always", RestartPolicyKind.Always, 0)]
    [InlineData("unless-stopped", RestartPolicyKind.UnlessStopped, 0)]
    [InlineData("on-failure:3", RestartPolicyKind.OnFailure, 3)]
    [InlineData(null, RestartPolicyKind.No, 0)]
    public void Restart_policies_parse(string? text, RestartPolicyKind kind, int retries)
    {
        var p = DockerEngineClient.ParseRestartPolicy(text);
        Assert.Equal(kind, p.Name);
        Assert.Equal(retries, p.MaximumRetryCount);
    }

    [Fact]
    public void An_unknown_restart_policy_is_refused() =>
        Assert.Contains("not a restart policy", Assert.Throws<ContainerRuntimeException>(() => DockerEngineClient.ParseRestartPolicy("sometimes")).Message);

    [Fact]
    public void Exec_output_cut_inside_a_character_drops_the_half_character()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("ok €");
        Assert.Equal("ok ", DockerEngineClient.DecodeUtf8Prefix(bytes, bytes.Length - 1));
        Assert.Equal("ok €", DockerEngineClient.DecodeUtf8Prefix(bytes, bytes.Length));
        Assert.Equal("", DockerEngineClient.DecodeUtf8Prefix(bytes, 0));
    }

    [Fact]
    public void The_launch_host_config_is_fixed_and_safe_with_the_templates_limits()
    {
        var h = DockerEngineClient.SafeHostConfig(new LaunchRequest("bot", "bot:1", null, new Dictionary<string, string>(), new Dictionary<string, string>(),
            TimeSpan.FromSeconds(20), "on-failure:2", MemoryLimitBytes: 256L * 1024 * 1024, Cpus: 0.5));
        Assert.False(h.Privileged);
        Assert.Empty(h.Binds);
        Assert.Empty(h.Mounts!);
        Assert.Empty(h.Devices);
        Assert.Equal("bridge", h.NetworkMode);
        Assert.NotEqual("host", h.PidMode);
        Assert.NotEqual("host", h.IpcMode);
        Assert.Equal(["ALL"], h.CapDrop);
        Assert.Null(h.CapAdd);
        Assert.Contains("no-new-privileges", h.SecurityOpt);
        Assert.Equal(256L * 1024 * 1024, h.Memory);
        Assert.Equal(500_000_000, h.NanoCPUs);
        Assert.Equal(RestartPolicyKind.OnFailure, h.RestartPolicy.Name);
        Assert.Equal(2, h.RestartPolicy.MaximumRetryCount);
    }

    [Fact]
    public void Die_events_carry_the_exit_code_and_name_and_unwatched_actions_are_dropped()
    {
        var die = DockerEngineClient.ToEvent(new Message
        {
            Type = "container", Action = "die", TimeNano = 1796136450782177700,
            Actor = new Actor { ID = "6f0e", Attributes = new Dictionary<string, string> { ["name"] = "alpha", ["exitCode"] = "137" } },
        })!;
        Assert.Equal(ContainerEventKind.Died, die.Kind);
        Assert.Equal("alpha", die.ContainerName);
        Assert.Equal(137, die.ExitCode);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1796136450782), die.Time.AddTicks(-(die.Time.Ticks % TimeSpan.TicksPerMillisecond)));
        var health = DockerEngineClient.ToEvent(new Message { Type = "container", Action = "health_status: unhealthy", Time = 5, Actor = new Actor { ID = "x", Attributes = new Dictionary<string, string>() } })!;
        Assert.Equal(ContainerEventKind.HealthChanged, health.Kind);
        Assert.Equal("unhealthy", health.Health);
        Assert.Null(DockerEngineClient.ToEvent(new Message { Type = "container", Action = "cleanup", Actor = new Actor { ID = "x", Attributes = new Dictionary<string, string>() } }));
        Assert.Null(DockerEngineClient.ToEvent(new Message { Type = "image", Action = "die", Actor = new Actor { ID = "x", Attributes = new Dictionary<string, string>() } }));
    }

    [Theory]
    [InlineData("destroy")] // Docker
    [InlineData("remove")] // Podman
    public void Removal_events_of_either_daemon_are_removed_and_say_whether_the_container_is_managed(string action)
    {
        var launched = DockerEngineClient.ToEvent(new Message
        {
            Type = "container", Action = action, Time = 7,
            Actor = new Actor { ID = "b0", Attributes = new Dictionary<string, string> { ["name"] = "grid1", [DockerEngineClient.ManagedLabel] = "true" } },
        })!;
        Assert.Equal(ContainerEventKind.Removed, launched.Kind);
        Assert.True(launched.Managed);
        var other = DockerEngineClient.ToEvent(new Message
        {
            Type = "container", Action = "start", Time = 7,
            Actor = new Actor { ID = "c0", Attributes = new Dictionary<string, string> { ["name"] = "web", [DockerEngineClient.ManagedLabel] = "false" } },
        })!;
        Assert.Equal(ContainerEventKind.Started, other.Kind);
        Assert.False(other.Managed);
    }
}
