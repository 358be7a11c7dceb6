namespace AiTradingBot.Core.Containers;

/// <summary>State of one container as inspected.</summary>
public sealed record ContainerInfo(
    string Name,
    string Id,
    string State,
    bool Running,
    string? Health,
    int RestartCount,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int? ExitCode,
    bool Tty,
    string? Image,
    IReadOnlyDictionary<string, string> Labels,
    string? RestartPolicy);

/// <summary>Resource usage of one container; every figure is optional because runtimes differ.</summary>
public sealed record ContainerStats(
    double? CpuPercent,
    long? MemoryUsedBytes,
    long? MemoryLimitBytes,
    int? Pids);

/// <summary>What to read from a container's logs.</summary>
public sealed record LogQuery(int Tail, TimeSpan? Since = null, string? Grep = null, bool Timestamps = false);

/// <summary>Which stream a log line came from.</summary>
public enum LogStream { Stdout, Stderr }

/// <summary>One log line.</summary>
public sealed record LogLine(LogStream Stream, string Text, DateTimeOffset? Timestamp = null);

/// <summary>Outcome of start/stop/restart; <see cref="AlreadyInState"/> is Docker's 304.</summary>
public sealed record ContainerActionResult(string Container, bool AlreadyInState, TimeSpan Elapsed);

/// <summary>Output and exit code of an allowlisted command.</summary>
public sealed record ExecResult(int ExitCode, string Output, bool Truncated);

/// <summary>A new bot container to create from a configured template.</summary>
public sealed record LaunchRequest(
    string Name,
    string Image,
    IReadOnlyList<string>? Command,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> Labels,
    TimeSpan StopTimeout,
    string RestartPolicy);

/// <summary>A container summary from a list call.</summary>
public sealed record ContainerSummary(string Id, string Name, string State, string Status, string? Image, IReadOnlyDictionary<string, string> Labels);
