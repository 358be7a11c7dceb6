using System.ComponentModel.DataAnnotations;

namespace AiTradingBot.Scheduling;

/// <summary>The Quartz scheduler (<c>Scheduling</c> section).</summary>
public sealed class SchedulingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Scheduling";

    /// <summary>Quartz scheduler name; instances sharing a job store and this name form one cluster.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,80}$")] public string SchedulerName { get; set; } = "AiTradingBot";

    /// <summary>Quartz instance id; AUTO (default) makes a unique one per process.</summary>
    [Required] public string InstanceId { get; set; } = "AUTO";

    /// <summary>Worker threads firing report jobs.</summary>
    [Range(1, 32)] public int ThreadCount { get; set; } = 2;

    /// <summary>How often a clustered instance checks in; a silent instance's jobs are recovered after about this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")] public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(7.5);

    /// <summary>Apply the scheduler's PostgreSQL migrations (schema <c>quartz</c>) before first use.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
