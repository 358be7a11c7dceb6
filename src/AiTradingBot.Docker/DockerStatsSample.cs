using Docker.DotNet.Models;

namespace AiTradingBot.Docker;

/// <summary>
/// The figures we use from one stats answer (<c>stream=false</c>). Every field is optional: daemons differ (Podman leaves
/// <c>precpu_stats</c> zero and sends no memory breakdown), and a stopped container has almost nothing.
/// </summary>
internal sealed record DockerStatsSample
{
    /// <summary>When the daemon read the counters.</summary>
    public DateTimeOffset? Read { get; init; }

    /// <summary>Container CPU time, nanoseconds (<c>cpu_stats.cpu_usage.total_usage</c>).</summary>
    public ulong? CpuTotal { get; init; }

    /// <summary>Host CPU time, nanoseconds (<c>cpu_stats.system_cpu_usage</c>).</summary>
    public ulong? SystemCpu { get; init; }

    /// <summary>CPUs available (<c>online_cpus</c>, else the length of <c>percpu_usage</c>).</summary>
    public int? OnlineCpus { get; init; }

    /// <summary>Previous container CPU time the daemon sampled itself (<c>precpu_stats</c>).</summary>
    public ulong? PreCpuTotal { get; init; }

    /// <summary>Previous host CPU time the daemon sampled itself.</summary>
    public ulong? PreSystemCpu { get; init; }

    /// <summary><c>memory_stats.usage</c>.</summary>
    public long? MemoryUsage { get; init; }

    /// <summary><c>memory_stats.limit</c>.</summary>
    public long? MemoryLimit { get; init; }

    /// <summary><c>memory_stats.stats</c> (cgroup counters such as <c>inactive_file</c> or <c>cache</c>).</summary>
    public IReadOnlyDictionary<string, long> MemoryDetails { get; init; } = new Dictionary<string, long>();

    /// <summary><c>pids_stats.current</c>.</summary>
    public int? Pids { get; init; }

    /// <summary>Our figures from the library's model; null when there is no answer at all.</summary>
    public static DockerStatsSample? From(ContainerStatsResponse? r)
    {
        if (r is null) return null;
        var cpu = r.CPUStats;
        var pre = r.PreCPUStats;
        var mem = r.MemoryStats;
        int? cpus = cpu?.OnlineCPUs is > 0 and <= int.MaxValue ? (int)cpu.OnlineCPUs.Value
            : cpu?.CPUUsage?.PercpuUsage is { Count: > 0 } per ? per.Count : null;
        var details = new Dictionary<string, long>(StringComparer.Ordinal);
        if (mem?.Stats is { } stats)
            foreach (var (k, v) in stats)
                if (v <= long.MaxValue) details[k] = (long)v;
        return new DockerStatsSample
        {
            // The zero time (0001-01-01) means "never read" (a stopped container on Docker).
            Read = r.Read.Year <= 1 ? null : new DateTimeOffset(DateTime.SpecifyKind(r.Read, DateTimeKind.Utc)),
            CpuTotal = cpu?.CPUUsage?.TotalUsage,
            SystemCpu = cpu?.SystemUsage,
            OnlineCpus = cpus,
            PreCpuTotal = pre?.CPUUsage?.TotalUsage,
            PreSystemCpu = pre?.SystemUsage,
            MemoryUsage = mem?.Usage is { } u && u <= long.MaxValue ? (long)u : null,
            MemoryLimit = mem?.Limit is { } l && l is > 0 and <= long.MaxValue ? (long)l : null,
            MemoryDetails = details,
            Pids = r.PidsStats?.Current is { } p && p <= int.MaxValue ? (int)p : null,
        };
    }
}
