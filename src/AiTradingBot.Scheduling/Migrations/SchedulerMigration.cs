using System.Security.Cryptography;
using System.Text;

namespace AiTradingBot.Scheduling.Migrations;

/// <summary>One versioned change of the scheduler's own tables; its SQL is idempotent and runs in the migrator's transaction.</summary>
public sealed record SchedulerMigration(int Version, string Name, string Sql)
{
    /// <summary>SHA-256 of the SQL (line endings normalized): an applied migration must never change.</summary>
    public string Checksum { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n")))).ToLowerInvariant();
}

/// <summary>What a migration run did: Hangfire's schema version and our applied versions.</summary>
public sealed record SchedulerMigrationResult(int HangfireVersionBefore, int HangfireVersion, IReadOnlyList<int> Applied, int CurrentVersion);
