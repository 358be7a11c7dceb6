namespace AiTradingBot.Docker;

/// <summary>CPU and memory figures from stats samples, following what <c>docker stats</c> shows.</summary>
internal static class DockerStatsMath
{
    /// <summary>True when the daemon filled <c>precpu_stats</c> itself (Docker does with <c>stream=false</c>; Podman does not).</summary>
    public static bool HasPrecpu(DockerStatsSample s) =>
        s.PreCpuTotal is > 0 && s.PreSystemCpu is > 0 && s.CpuTotal is not null && s.SystemCpu is not null;

    /// <summary>
    /// Docker's formula over the daemon's own two samples: container CPU delta / host CPU delta × CPUs × 100,
    /// i.e. percent of one CPU (200 % = two CPUs busy).
    /// </summary>
    public static double? CpuPercentFromPrecpu(DockerStatsSample s)
    {
        if (!HasPrecpu(s) || s.CpuTotal < s.PreCpuTotal || s.SystemCpu <= s.PreSystemCpu) return null;
        var cpuDelta = (double)(s.CpuTotal!.Value - s.PreCpuTotal!.Value);
        var systemDelta = (double)(s.SystemCpu!.Value - s.PreSystemCpu!.Value);
        return Round(cpuDelta / systemDelta * (s.OnlineCpus ?? 1) * 100.0);
    }

    /// <summary>
    /// CPU % between two samples we took ourselves: container CPU nanoseconds over wall-clock nanoseconds × 100 (percent
    /// of one CPU, as Docker's formula). The wall-clock gap comes from the daemon's <c>read</c> times, else from
    /// <paramref name="measured"/>. Podman's <c>system_cpu_usage</c> does not count idle time, so it is not used here.
    /// </summary>
    public static double? CpuPercentBetween(DockerStatsSample first, DockerStatsSample second, TimeSpan measured)
    {
        if (first.CpuTotal is not { } a || second.CpuTotal is not { } b || b < a) return null;
        var elapsed = first.Read is { } r1 && second.Read is { } r2 && r2 > r1 ? r2 - r1 : measured;
        if (elapsed <= TimeSpan.Zero) return null;
        var elapsedNs = elapsed.Ticks * 100.0;
        return Round((b - a) / elapsedNs * 100.0);
    }

    /// <summary>
    /// Memory in use without reclaimable page cache: usage − <c>inactive_file</c> on cgroup v2, usage − <c>cache</c> on
    /// cgroup v1 (recognised by its <c>cache</c> counter); plain usage when there is no breakdown.
    /// </summary>
    public static long? MemoryUsed(DockerStatsSample s)
    {
        if (s.MemoryUsage is not { } usage) return null;
        long? reclaimable = s.MemoryDetails.TryGetValue("cache", out var cache) ? cache
            : s.MemoryDetails.TryGetValue("inactive_file", out var inactive) ? inactive
            : null;
        return reclaimable is { } r && r >= 0 && r <= usage ? usage - r : usage;
    }

    private static double Round(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);
}
