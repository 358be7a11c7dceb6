using AiTradingBot.Scheduling.Migrations;

namespace AiTradingBot.Scheduling.Tests.Support;

/// <summary>Settings and set-up shared by the PostgreSQL scheduling tests.</summary>
public static class PostgresScheduling
{
    /// <summary>An instance's settings on a test database: fast polling and a short lock timeout.</summary>
    public static Dictionary<string, string?> Settings(PostgresDatabase db, string instance, TimeSpan? lockTimeout = null) => new()
    {
        ["ConnectionStrings:Postgres"] = db.ConnectionString,
        ["Scheduling:InstanceId"] = instance,
        ["Scheduling:QueuePollInterval"] = "00:00:00.500",
        ["Scheduling:DistributedLockTimeout"] = (lockTimeout ?? TimeSpan.FromSeconds(30)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A fresh database with the scheduler's schemas installed, as `migrate` leaves it.</summary>
    public static async Task<PostgresDatabase> MigratedDatabaseAsync(CancellationToken ct)
    {
        var db = await PostgresDatabase.CreateAsync();
        await new SchedulerSchemaMigrator(db.ConnectionString, TimeProvider.System).MigrateAsync(ct);
        return db;
    }

    /// <summary>The start of the minute <paramref name="t"/> is in (UTC).</summary>
    public static DateTimeOffset Minute(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, TimeSpan.Zero);

    /// <summary>Waits until the current second is at most <paramref name="latestSecond"/>, so a test never straddles a minute.</summary>
    public static async Task AwayFromMinuteEndAsync(int latestSecond, CancellationToken ct)
    {
        if (DateTimeOffset.UtcNow.Second > latestSecond) await Task.Delay(TimeSpan.FromSeconds(61 - DateTimeOffset.UtcNow.Second), ct);
    }
}
