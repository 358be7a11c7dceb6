using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Scheduling;

/// <summary>The Hangfire scheduler (<c>Scheduling</c> section).</summary>
public sealed class SchedulingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Scheduling";

    /// <summary>Hangfire server name; AUTO (default) makes a unique one per process (machine, process id, random part).</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:-]{1,80}$")] public string InstanceId { get; set; } = "AUTO";

    /// <summary>Worker threads running report jobs.</summary>
    [Range(1, 32)] public int WorkerCount { get; set; } = 2;

    /// <summary>How often the recurring job scheduler looks for due occurrences: the upper bound of a report's delay.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL: how often an idle worker polls the queue (long polling is off, for PgBouncer).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")] public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>PostgreSQL: a lock row older than this (its holder killed) is taken over by another instance.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")] public TimeSpan DistributedLockTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>PostgreSQL: a job fetched by a killed instance is run again (once, by the delivery ledger) after this long.</summary>
    [Range(typeof(TimeSpan), "00:00:30", "1.00:00:00")] public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Serve the Hangfire Dashboard at <c>/hangfire</c> on the web host of <c>run</c> (local requests only until sign-in lands).</summary>
    public bool Dashboard { get; set; } = true;
}
