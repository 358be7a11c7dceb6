using Xunit;

namespace AiTradingBot.Docker.Tests;

public sealed class DockerStatsMathTests
{
    [Fact]
    public void Cpu_uses_dockers_precpu_formula_when_the_daemon_filled_it()
    {
        // 0.4 s of container CPU over 2 s of host CPU time on 2 CPUs → 40 % of one CPU.
        var s = DockerStatsSample.Parse("""
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
        var s = DockerStatsSample.Parse("""
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
        var s = DockerStatsSample.Parse("""
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
        var a = DockerStatsSample.Parse("""{"read":"2026-11-22T00:00:00.000000000Z","cpu_stats":{"cpu_usage":{"total_usage":1000000000}}}""")!;
        var b = DockerStatsSample.Parse("""{"read":"2026-11-22T00:00:01.000000000Z","cpu_stats":{"cpu_usage":{"total_usage":1500000000}}}""")!;
        Assert.Equal(50.0, DockerStatsMath.CpuPercentBetween(a, b, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Own_two_samples_fall_back_to_the_measured_gap_without_read_times()
    {
        var a = DockerStatsSample.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":0}}}""")!;
        var b = DockerStatsSample.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":1000000000}}}""")!;
        Assert.Equal(200.0, DockerStatsMath.CpuPercentBetween(a, b, TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void A_counter_that_went_backwards_after_a_restart_gives_no_cpu_rather_than_a_negative_one()
    {
        var a = DockerStatsSample.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":900}}}""")!;
        var b = DockerStatsSample.Parse("""{"cpu_stats":{"cpu_usage":{"total_usage":100}}}""")!;
        Assert.Null(DockerStatsMath.CpuPercentBetween(a, b, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Memory_on_cgroup_v2_subtracts_inactive_file()
    {
        var s = DockerStatsSample.Parse("""{"memory_stats":{"usage":100000,"limit":200000,"stats":{"inactive_file":30000,"anon":50000}}}""")!;
        Assert.Equal(70000, DockerStatsMath.MemoryUsed(s));
    }

    [Fact]
    public void Memory_on_cgroup_v1_subtracts_cache()
    {
        var s = DockerStatsSample.Parse("""{"memory_stats":{"usage":100000,"stats":{"cache":40000,"inactive_file":10000,"total_inactive_file":10000}}}""")!;
        Assert.Equal(60000, DockerStatsMath.MemoryUsed(s));
    }

    [Fact]
    public void Memory_without_a_breakdown_is_plain_usage_as_podman_reports_it()
    {
        var s = DockerStatsSample.Parse("""{"memory_stats":{"usage":593920,"limit":25274793984}}""")!;
        Assert.Equal(593920, DockerStatsMath.MemoryUsed(s));
        Assert.Equal(25274793984, s.MemoryLimit);
    }

    [Fact]
    public void A_cache_larger_than_usage_never_gives_negative_memory()
    {
        var s = DockerStatsSample.Parse("""{"memory_stats":{"usage":1000,"stats":{"cache":5000}}}""")!;
        Assert.Equal(1000, DockerStatsMath.MemoryUsed(s));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"cpu_stats":null,"memory_stats":{}}""")]
    [InlineData("""{"cpu_stats":{"cpu_usage":{"total_usage":"not a number"}},"memory_stats":{"usage":-1,"stats":[]},"pids_stats":{}}""")]
    [InlineData("""{"read":"garbage","precpu_stats":7,"memory_stats":{"stats":{"cache":"x"}}}""")]
    public void Missing_or_odd_fields_give_empty_figures_instead_of_a_crash(string json)
    {
        var s = DockerStatsSample.Parse(json)!;
        Assert.Null(DockerStatsMath.CpuPercentFromPrecpu(s));
        Assert.Null(DockerStatsMath.CpuPercentBetween(s, s, TimeSpan.FromSeconds(1)));
        Assert.Null(DockerStatsMath.MemoryUsed(s));
        Assert.Null(s.Pids);
    }

    [Fact]
    public void An_empty_answer_means_no_sample()
    {
        Assert.Null(DockerStatsSample.Parse(""));
        Assert.Null(DockerStatsSample.Parse("\n"));
    }

    [Fact]
    public void Pids_are_read_when_present()
    {
        Assert.Equal(3, DockerStatsSample.Parse("""{"pids_stats":{"current":3}}""")!.Pids);
    }
}
