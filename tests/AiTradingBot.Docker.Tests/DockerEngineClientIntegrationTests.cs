using System.Diagnostics;
using AiTradingBot.Core.Containers;
using Xunit;

namespace AiTradingBot.Docker.Tests;

/// <summary>Against Podman's real Docker-compatible API (scripts/servers/podman.sh). Each test makes its own containers.</summary>
public sealed class DockerEngineClientIntegrationTests : IAsyncDisposable
{
    private const string TermExits = "trap 'exit 0' TERM; while true; do sleep 0.1; done";
    private readonly PodmanPeer _peer = PodmanPeer.Require();
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _peer.DisposeAsync();

    [Fact]
    public async Task The_api_version_is_negotiated_through_ping()
    {
        using var client = _peer.Client();
        var runtime = new DockerContainerRuntime(client);
        Assert.Equal(new DockerApiVersion(1, 41), await client.NegotiateApiVersionAsync(_ct));
        Assert.Equal($"docker {_peer.Endpoint} (API 1.41)", runtime.Description);
        Assert.False(runtime.IsDemo);
    }

    [Fact]
    public async Task Start_stop_and_restart_change_the_state_and_a_repeat_is_reported_as_already_in_that_state()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("ssr", TermExits, start: false, ct: _ct);

        var started = await client.StartAsync(name, _ct);
        Assert.False(started.AlreadyInState);
        var info = await client.InspectAsync(name, _ct);
        Assert.True(info.Running);
        Assert.Equal("running", info.State);
        Assert.NotNull(info.StartedAt);

        Assert.True((await client.StartAsync(name, _ct)).AlreadyInState); // 304

        var stopped = await client.StopAsync(name, TimeSpan.FromSeconds(10), _ct);
        Assert.False(stopped.AlreadyInState);
        // It exits on SIGTERM, so a 10 s grace period is not waited out.
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(5), $"stop took {stopped.Elapsed}");
        info = await client.InspectAsync(name, _ct);
        Assert.False(info.Running);
        Assert.Equal(0, info.ExitCode);
        Assert.NotNull(info.FinishedAt);

        Assert.True((await client.StopAsync(name, TimeSpan.FromSeconds(10), _ct)).AlreadyInState); // 304

        var firstStart = info.StartedAt;
        var restarted = await client.RestartAsync(name, TimeSpan.FromSeconds(10), _ct);
        Assert.False(restarted.AlreadyInState);
        info = await client.InspectAsync(name, _ct);
        Assert.True(info.Running);
        Assert.True(info.StartedAt > firstStart);

        // Restarting a running container works too (stop with grace period, then start).
        await client.RestartAsync(name, TimeSpan.FromSeconds(10), _ct);
        Assert.True((await client.InspectAsync(name, _ct)).Running);
    }

    [Fact]
    public async Task A_container_that_ignores_sigterm_is_killed_when_the_grace_period_ends()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("noterm", "trap '' TERM; echo ready; while true; do sleep 0.1; done", ct: _ct);
        await WaitForLogLinesAsync(client, name, 1); // the trap is in place before SIGTERM is sent

        var sw = Stopwatch.StartNew();
        var stopped = await client.StopAsync(name, TimeSpan.FromSeconds(3), _ct);
        sw.Stop();

        Assert.False(stopped.AlreadyInState);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(2.5), $"stop returned after {sw.Elapsed}: the grace period was not honoured");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"stop took {sw.Elapsed}");
        var info = await client.InspectAsync(name, _ct);
        Assert.False(info.Running);
        Assert.Equal(137, info.ExitCode); // 128 + SIGKILL
    }

    [Fact]
    public async Task A_non_positive_stop_timeout_uses_the_configured_grace_period_instead_of_killing_at_once()
    {
        // Podman's compat API kills immediately when t is missing; we always send it.
        using var client = _peer.Client(o => o.StopTimeoutSeconds = 2);
        var name = await _peer.RunAsync("deft", "trap '' TERM; echo ready; while true; do sleep 0.1; done", ct: _ct);
        await WaitForLogLinesAsync(client, name, 1); // the trap is in place before SIGTERM is sent
        var sw = Stopwatch.StartNew();
        await client.StopAsync(name, TimeSpan.Zero, _ct);
        Assert.True(sw.Elapsed >= TimeSpan.FromSeconds(1.5), $"stop returned after {sw.Elapsed}");
    }

    [Fact]
    public async Task Logs_of_a_container_without_tty_keep_stdout_and_stderr_apart()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("logs",
            "for i in 1 2 3 4 5 6; do echo \"out $i\"; echo \"err $i\" >&2; done; sleep 0.3; echo 'Order REJECTED: insufficient margin'; sleep 3600", ct: _ct);
        await WaitForLogLinesAsync(client, name, 13);

        var last = await client.GetLogsAsync(name, new LogQuery(Tail: 5), _ct);
        Assert.False((await client.InspectAsync(name, _ct)).Tty);
        Assert.Equal(5, last.Count);
        Assert.Equal("Order REJECTED: insufficient margin", last[^1].Text);
        Assert.Equal(LogStream.Stdout, last[^1].Stream);
        Assert.Contains(last, l => l.Stream == LogStream.Stderr && l.Text == "err 6");
        Assert.All(last, l => Assert.Null(l.Timestamp));
        Assert.DoesNotContain(last, l => l.Text.Contains('\0') || l.Text.Contains('\u0001'));

        var errors = await client.GetLogsAsync(name, new LogQuery(Tail: 3, Grep: "ERR"), _ct);
        Assert.Equal(["err 4", "err 5", "err 6"], errors.Select(l => l.Text));
        Assert.All(errors, l => Assert.Equal(LogStream.Stderr, l.Stream));

        var stamped = await client.GetLogsAsync(name, new LogQuery(Tail: 2, Timestamps: true), _ct);
        Assert.All(stamped, l => Assert.NotNull(l.Timestamp));
        Assert.Equal("Order REJECTED: insufficient margin", stamped[^1].Text);

        var recent = await client.GetLogsAsync(name, new LogQuery(Tail: 100, Since: TimeSpan.FromMinutes(10)), _ct);
        Assert.Equal(13, recent.Count);
    }

    [Fact]
    public async Task Logs_of_a_tty_container_are_read_raw()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("tty", "for i in 1 2 3; do echo \"line $i\"; done; echo oops >&2; sleep 3600", tty: true, ct: _ct);
        await WaitForLogLinesAsync(client, name, 4);

        Assert.True((await client.InspectAsync(name, _ct)).Tty);
        var lines = await client.GetLogsAsync(name, new LogQuery(Tail: 10), _ct);
        // With a TTY there is one stream: stderr arrives as stdout, and no frame headers or carriage returns leak in.
        Assert.Equal(["line 1", "line 2", "line 3", "oops"], lines.Select(l => l.Text));
        Assert.All(lines, l => Assert.Equal(LogStream.Stdout, l.Stream));
    }

    [Fact]
    public async Task Stats_give_cpu_percent_and_memory_of_a_running_container_and_nothing_for_a_stopped_one()
    {
        using var client = _peer.Client(o => o.StatsSampleMilliseconds = 1000);
        var busy = await _peer.RunAsync("busy", "while true; do :; done", ct: _ct);
        var stopped = await _peer.RunAsync("idle", "exit 0", start: false, ct: _ct);

        var stats = await client.GetStatsAsync(busy, _ct);
        // Podman leaves precpu_stats zero, so this came from two samples of our own. A busy loop uses most of a CPU on an
        // idle machine, but on a shared one under heavy load it may get only a few percent: it must be measurably above zero.
        Assert.NotNull(stats.CpuPercent);
        Assert.InRange(stats.CpuPercent!.Value, 0.5, 250);
        Assert.True(stats.MemoryUsedBytes > 0);
        Assert.True(stats.MemoryLimitBytes > 0);
        Assert.True(stats.Pids >= 1);

        var none = await client.GetStatsAsync(stopped, _ct);
        Assert.Equal(new ContainerStats(null, null, null, null), none);
    }

    [Fact]
    public async Task Exec_runs_an_argv_and_reports_a_non_zero_exit_code_with_both_streams()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("exec", TermExits, ct: _ct);

        var result = await client.ExecAsync(name, ["sh", "-c", "echo healthy; echo 'db: timeout' >&2; exit 3"], _ct);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("healthy", result.Output);
        Assert.Contains("db: timeout", result.Output);
        Assert.False(result.Truncated);

        var ok = await client.ExecAsync(name, ["echo", "fine"], _ct);
        Assert.Equal(0, ok.ExitCode);
        Assert.Equal("fine\n", ok.Output);
    }

    [Fact]
    public async Task Exec_arguments_are_never_interpreted_by_a_shell()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("argv", TermExits, ct: _ct);
        var result = await client.ExecAsync(name, ["echo", "a; touch /tmp/pwned", "$(id)"], _ct);
        Assert.Equal("a; touch /tmp/pwned $(id)\n", result.Output);
        Assert.Equal(1, (await client.ExecAsync(name, ["ls", "/tmp/pwned"], _ct)).ExitCode);
    }

    [Fact]
    public async Task Exec_output_is_capped_and_the_command_still_completes()
    {
        using var client = _peer.Client(o => o.ExecOutputLimitBytes = 1024);
        var name = await _peer.RunAsync("cap", TermExits, ct: _ct);
        var result = await client.ExecAsync(name, ["seq", "1", "50000"], _ct);
        Assert.Equal(0, result.ExitCode);
        Assert.True(result.Truncated);
        Assert.Equal(1024, result.Output.Length);
        Assert.StartsWith("1\n2\n3\n", result.Output);
    }

    [Fact]
    public async Task Exec_in_a_stopped_container_is_a_conflict_that_says_so()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("stexec", "exit 0", start: false, ct: _ct);
        var ex = await Assert.ThrowsAsync<ContainerRuntimeConflictException>(() => client.ExecAsync(name, ["true"], _ct));
        // Docker answers 409 "is not running"; Podman 4.3 answers 500 "container state improper". Both read the same to the user.
        Assert.Equal(409, ex.StatusCode);
        Assert.Contains(name, ex.Message);
        Assert.Contains("not running", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Launch_creates_and_starts_a_managed_unprivileged_container_and_remove_deletes_it()
    {
        using var client = _peer.Client();
        var name = _peer.NewName("launch");
        var request = new LaunchRequest(name, _peer.Image, ["/bin/sh", "-c", TermExits],
            new Dictionary<string, string> { ["BOT_SYMBOL"] = "BTCUSDT", ["BOT_MODE"] = "paper" },
            new Dictionary<string, string> { ["aitradingbot.template"] = "grid", [DockerEngineClient.ManagedLabel] = "false" },
            TimeSpan.FromSeconds(7), "on-failure:2", MemoryLimitBytes: 64L * 1024 * 1024, Cpus: 0.5);

        var info = await client.LaunchAsync(request, _ct);

        Assert.Equal(name, info.Name);
        Assert.True(info.Running);
        Assert.Equal("true", info.Labels[DockerEngineClient.ManagedLabel]); // cannot be overridden by the template
        Assert.Equal("grid", info.Labels["aitradingbot.template"]);
        Assert.Equal("on-failure:2", info.RestartPolicy);
        var env = await client.ExecAsync(name, ["env"], _ct);
        Assert.Contains("BOT_SYMBOL=BTCUSDT", env.Output);
        var raw = await _peer.InspectRawAsync(name, _ct);
        Assert.False(raw.GetProperty("HostConfig").GetProperty("Privileged").GetBoolean());
        Assert.Equal(0, raw.GetProperty("HostConfig").GetProperty("Binds").GetArrayLength());
        Assert.Equal(7, raw.GetProperty("Config").GetProperty("StopTimeout").GetInt32());
        Assert.NotEqual("host", raw.GetProperty("HostConfig").GetProperty("NetworkMode").GetString());
        Assert.NotEqual("host", raw.GetProperty("HostConfig").GetProperty("PidMode").GetString());
        Assert.Equal(64L * 1024 * 1024, raw.GetProperty("HostConfig").GetProperty("Memory").GetInt64());
        Assert.Equal(500_000_000, raw.GetProperty("HostConfig").GetProperty("NanoCpus").GetInt64());
        // Every capability dropped: the bot cannot, for example, change file ownership.
        Assert.NotEqual(0, (await client.ExecAsync(name, ["/bin/sh", "-c", "touch /tmp/x && chown 1:1 /tmp/x"], _ct)).ExitCode);

        var managed = await client.ListAsync($"{DockerEngineClient.ManagedLabel}=true", _ct);
        Assert.Contains(managed, c => c.Name == name);

        await client.RemoveAsync(name, force: true, _ct);
        Assert.False(await _peer.ExistsAsync(name, _ct));
        await Assert.ThrowsAsync<ContainerNotFoundException>(() => client.InspectAsync(name, _ct));
    }

    [Fact]
    public async Task Removing_a_container_without_the_managed_label_is_refused()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("unmanaged", TermExits, ct: _ct);
        var ex = await Assert.ThrowsAsync<UnmanagedContainerException>(() => client.RemoveAsync(name, force: true, _ct));
        Assert.Contains(name, ex.Message);
        Assert.Contains("aitradingbot.managed=true", ex.Message);
        Assert.True(await _peer.ExistsAsync(name, _ct));
        Assert.True((await client.InspectAsync(name, _ct)).Running);
    }

    [Fact]
    public async Task Launch_of_a_missing_image_says_to_pull_it_and_leaves_nothing_behind()
    {
        using var client = _peer.Client();
        var name = _peer.NewName("noimg");
        var ex = await Assert.ThrowsAnyAsync<ContainerRuntimeException>(() => client.LaunchAsync(
            new LaunchRequest(name, "localhost/does-not-exist:9", null, new Dictionary<string, string>(), new Dictionary<string, string>(),
                TimeSpan.FromSeconds(5), "no"), _ct));
        Assert.Contains("localhost/does-not-exist:9", ex.Message);
        Assert.False(await _peer.ExistsAsync(name, _ct));
    }

    [Fact]
    public async Task Launching_a_name_in_use_is_a_conflict()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("dup", TermExits, ct: _ct);
        var ex = await Assert.ThrowsAsync<ContainerRuntimeConflictException>(() => client.LaunchAsync(
            new LaunchRequest(name, _peer.Image, null, new Dictionary<string, string>(), new Dictionary<string, string>(), TimeSpan.FromSeconds(5), "no"), _ct));
        // Docker documents 409 for a name conflict; Podman 4.3's compat API answers 500 ("that name is already in use").
        Assert.Contains(ex.StatusCode, new[] { 409, 500 });
        Assert.Contains("already in use", ex.Message);
    }

    [Fact]
    public async Task A_missing_container_is_named_for_every_operation()
    {
        using var client = _peer.Client();
        const string missing = "atbt-does-not-exist";
        var calls = new Func<Task>[]
        {
            () => client.InspectAsync(missing, _ct),
            () => client.StartAsync(missing, _ct),
            () => client.StopAsync(missing, TimeSpan.FromSeconds(1), _ct),
            () => client.RestartAsync(missing, TimeSpan.FromSeconds(1), _ct),
            () => client.GetLogsAsync(missing, new LogQuery(5), _ct),
            () => client.GetStatsAsync(missing, _ct),
            () => client.ExecAsync(missing, ["true"], _ct),
            () => client.RemoveAsync(missing, true, _ct),
        };
        foreach (var call in calls)
        {
            var ex = await Assert.ThrowsAsync<ContainerNotFoundException>(call);
            Assert.Equal(missing, ex.Container);
            Assert.Contains($"'{missing}' does not exist", ex.Message);
            Assert.Contains(_peer.Endpoint, ex.Message);
        }
    }

    [Fact]
    public async Task The_name_filter_is_anchored_so_a_similar_name_does_not_match()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("anch", TermExits, ct: _ct);
        await _peer.RunAsync("anch", TermExits, name: name + "_old", ct: _ct);
        await _peer.RunAsync("anch", TermExits, name: "x" + name, ct: _ct);

        var found = await client.ListAsync(new DockerContainerFilter(Names: [name]), all: true, _ct);
        Assert.Equal([name], found.Select(c => c.Name));
        Assert.Equal("running", found[0].State);
    }

    [Fact]
    public async Task The_events_stream_reports_a_container_dying_with_its_exit_code()
    {
        using var client = _peer.Client();
        var name = await _peer.RunAsync("ev", "sleep 0.5; exit 7", start: false, ct: _ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        await client.StartAsync(name, _ct);
        var seen = new List<ContainerEvent>();
        await foreach (var e in client.WatchEventsAsync(since, cts.Token))
        {
            if (e.ContainerName != name) continue;
            seen.Add(e);
            if (e.Kind == ContainerEventKind.Died) break;
        }
        Assert.Equal(ContainerEventKind.Started, seen[0].Kind);
        Assert.Equal(7, seen[^1].ExitCode);
        Assert.True(seen[^1].TimeNano > seen[0].TimeNano);
    }

    private async Task WaitForLogLinesAsync(DockerEngineClient client, string name, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            if ((await client.GetLogsAsync(name, new LogQuery(count + 10), _ct)).Count >= count) return;
            await Task.Delay(50, _ct);
        }
        throw new TimeoutException($"{name} did not write {count} log lines");
    }
}
