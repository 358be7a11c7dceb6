namespace AiTradingBot.Scheduling.Migrations;

/// <summary>
/// The scheduler's own PostgreSQL tables (schema <c>scheduling</c>) beside Hangfire's (schema <c>hangfire</c>, installed
/// by Hangfire.PostgreSql's own scripts). Append; never edit an applied one.
/// </summary>
internal static class SchedulerMigrations
{
    /// <summary>Our schema.</summary>
    public const string Schema = "scheduling";

    /// <summary>Hangfire's schema.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>All versions, oldest first.</summary>
    public static IReadOnlyList<SchedulerMigration> All { get; } =
    [
        new(1, "report deliveries", """
            CREATE TABLE IF NOT EXISTS scheduling.report_deliveries (
                schedule_id text NOT NULL,
                occurrence timestamptz NOT NULL,
                claimant text NOT NULL,
                claimed_at timestamptz NOT NULL,
                PRIMARY KEY (schedule_id, occurrence)
            );
            """),
    ];
}
