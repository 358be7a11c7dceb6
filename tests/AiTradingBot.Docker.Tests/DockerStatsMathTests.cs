using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerStatsMathTests
{
    [Fact]
    public void Cpu_uses_dockers_precpu_formula_when_the_daemon_filled_it()
    {
        // 0.4 s of container CPU over 2 s of host CPU time on 2 CPUs → 40 % of one CPU.
        var s = Stats.Parse("""
            {"read":"2024-01-01T00:00:01Z",
             "cpu_stats":{"cpu_usage":{"total_usage":1400000000},"system_cpu_usage":12000000000,"online_cpus":2},
             "precpu_stats":{"cpu_usage":{"total_usage":1000000000},"system_cpu_usage":10000000000}}
            """)!;
        Assert.True(DockerStatsMath.HasPrecpu(s));
        Assert.Equal(40.0, DockerStatsMath.CpuPercentFromPrecpu(s));
    }

    [Fact]
    public void Cpu_count_falls_back_to_the_percpu_list_when_online_cpus_is_missing()
    {
        var s = Stats.Parse("""
            {"cpu_stats":{"cpu_usage":{"total_usage":300,"percpu_usage":[1,2,3,4]},"system_cpu_usage":2000},
             "precpu_stats":{"cpu_usage":{"total_usage":100},"system_cpu_usage":1000}}
            """)!;
        Assert.Equal(4, s.OnlineCpus);
        Assert.Equal(80.0, DockerStatsMath.CpuPercentFromPrecpu(s));
    }

    [Fact]
    public void Zero_precpu_as_podman_sends_it_is_not_used()
    {
        // Podman 4.3 with stream=false: precpu_stats all zero, preread the zero time.
        var s = Stats.Parse("""
            {"read":"2026-11-22T00:40:26.631124624Z","preread":"0001-01-01T00:00:00Z",
             "cpu_stats":{"cpu_usage":{"total_usage":44772213},"system_cpu_usage":238078340319,"online_cpus":2},
             "precpu_stats":{"cpu_usage":{"total_usage":0}},"memory_stats":{"usage":593920,"limit":25274793984}}
            """)!;
        Assert.False(DockerStatsMath.HasPrecpu(s));
        Assert.Null(DockerStatsMath.CpuPercentFromPrecpu(s));
    }

    [Fact]
    public void Own_two_samples_give_cpu_over_the_daemons_read_times()
    {
        // 0.5 s of CPU in 1.0 s between reads → 50 %; the measured gap (2 s) is only a fallback.
        var a = Stats.Parse("""{"read":"2026-11-22T00:00:00.000000000Z","cpu_stats":{"cpu_usage":{"total_usage":1000000000}}}""")!;
        var b = Stats.Parse("""{"read":"2026-11-22T00:00:01.000000000Z","cpu_stats":{"cpu_usage":{"total_usage":1500000000}}}""")!;
        Assert.Equal(50.0, DockerStatsMath.CpuPercentBetween(a, b, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Own_two_samples_fall_back_to_the_measured_gap_without_read_times()
    {
        var a = Stats.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":0}}}""")!;
        var b = Stats.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":1000000000}}}""")!;
        Assert.Equal(200.0, DockerStatsMath.CpuPercentBetween(a, b, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void A_counter_that_went_backwards_after_a_restart_gives_no_cpu_rather_than_a_negative_one()
    {
        var a = Stats.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":900}}}""")!;
        var b = Stats.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":100}}}""")!;
        Assert.Null(DockerStatsMath.CpuPercentBetween(a, b, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Memory_on_cgroup_v2_subtracts_inactive_file()
    {
        var s = Stats.Parse("""{"memory_stats":{"usage":100000,"limit":200000,"stats":{"inactive_file":30000,"anon":50000}}}""")!;
        Assert.Equal(70000, DockerStatsMath.MemoryUsed(s));
    }

    [Fact]
    public void Memory_on_cgroup_v1_subtracts_cache()
    {
        var s = Stats.Parse("""{"memory_stats":{"usage":100000,"stats":{"cache":40000,"inactive_file":10000,"total_inactive_file":10000}}}""")!;
        Assert.Equal(60000, DockerStatsMath.MemoryUsed(s));
    }

    [Fact]
    public void Memory_without_a_breakdown_is_plain_usage_as_podman_reports_it()
    {
        var s = Stats.Parse("""{"memory_stats":{"usage":593920,"limit":25274793984}}""")!;
        Assert.Equal(593920, DockerStatsMath.MemoryUsed(s));
        Assert.Equal(25274793984, s.MemoryLimit);
    }

    [Fact]
    public void A_cache_larger_than_usage_never_gives_negative_memory()
    {
        var s = Stats.Parse("""{"memory_stats":{"usage":1000,"stats":{"cache":5000}}}""")!;
        Assert.Equal(1000, DockerStatsMath.MemoryUsed(s));
    }

    [Theory]
    [InlineData("""{"cpu_stats":null,"memory_stats":{}}""")]
    [InlineData("""{"memory_stats":{"stats":{}},"pids_stats":{}}""")]
    [InlineData("""{}""")]
    public void Missing_fields_give_empty_figures_instead_of_a_crash(string json)
    {
        var s = Stats.Parse(json)!;
        Assert.Null(DockerStatsMath.CpuPercentFromPrecpu(s));
        Assert.Null(DockerStatsMath.MemoryUsed(s));
        Assert.Null(s.Pids);
        Assert.Null(s.Read);
    }

    [Fact]
    public void An_empty_answer_means_no_sample()
    {
        Assert.Null(DockerStatsSample.From(null));
    }

    [Fact]
    public void Pids_are_read_when_present()
    {
        Assert.Equal(3, Stats.Parse("""{"pids_stats":{"current":3}}""")!.Pids);
    }
}

/// <summary>Real answers (JSON as the daemons send it) through the library's model, as the client receives them.</summary>
internal static class Stats
{
    public static DockerStatsSample? Parse(string json) =>
        DockerStatsSample.From(System.Text.Json.JsonSerializer.Deserialize<global::Docker.DotNet.Models.ContainerStatsResponse>(json));
}
