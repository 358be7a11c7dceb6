using System.Text.Json;

namespace AiTradingBot.Docker;

/// <summary>
/// The figures we use from one <c>/containers/{id}/stats?stream=false</c> answer. Every field is optional: daemons differ
/// (Podman leaves <c>precpu_stats</c> zero and sends no memory breakdown), and a stopped container has almost nothing.
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

    /// <summary>Parses an answer; null for an empty body (Podman's answer for a stopped container).</summary>
    public static DockerStatsSample? Parse(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) return null;
        var cpu = Child(root, "cpu_stats");
        var pre = Child(root, "precpu_stats");
        var mem = Child(root, "memory_stats");
        var details = new Dictionary<string, long>(StringComparer.Ordinal);
        if (Child(mem, "stats") is { ValueKind: JsonValueKind.Object } stats)
            foreach (var p in stats.EnumerateObject())
                if (AsLong(p.Value) is { } v) details[p.Name] = v;
        var online = AsLong(Child(cpu, "online_cpus"));
        int? cpus = online is > 0 ? (int)online : Child(Child(cpu, "cpu_usage"), "percpu_usage") is { ValueKind: JsonValueKind.Array } per && per.GetArrayLength() > 0
            ? per.GetArrayLength()
            : null;
        var pids = AsLong(Child(Child(root, "pids_stats"), "current"));
        return new DockerStatsSample
        {
            Read = AsTime(Child(root, "read")),
            CpuTotal = AsULong(Child(Child(cpu, "cpu_usage"), "total_usage")),
            SystemCpu = AsULong(Child(cpu, "system_cpu_usage")),
            OnlineCpus = cpus,
            PreCpuTotal = AsULong(Child(Child(pre, "cpu_usage"), "total_usage")),
            PreSystemCpu = AsULong(Child(pre, "system_cpu_usage")),
            MemoryUsage = AsLong(Child(mem, "usage")) is >= 0 and var usage ? usage : null,
            MemoryLimit = AsLong(Child(mem, "limit")) is > 0 and var limit ? limit : null,
            MemoryDetails = details,
            Pids = pids is >= 0 and <= int.MaxValue ? (int)pids : null,
        };
    }

    private static JsonElement? Child(JsonElement? parent, string name) =>
        parent is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) ? v : null;

    private static ulong? AsULong(JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Number } n && n.TryGetUInt64(out var v) ? v : null;

    private static long? AsLong(JsonElement? e) =>
        e is { ValueKind: JsonValueKind.Number } n && n.TryGetInt64(out var v) ? v : null;

    private static DateTimeOffset? AsTime(JsonElement? e) =>
        e is { ValueKind: JsonValueKind.String } s ? DockerTime.Parse(s.GetString()) : null;
}
