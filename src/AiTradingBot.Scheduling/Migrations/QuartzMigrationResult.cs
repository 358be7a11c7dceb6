namespace AiTradingBot.Scheduling.Migrations;

/// <summary>What a scheduler migration run did: versions applied (empty when current) and the version now.</summary>
public sealed record QuartzMigrationResult(IReadOnlyList<int> Applied, int CurrentVersion);
