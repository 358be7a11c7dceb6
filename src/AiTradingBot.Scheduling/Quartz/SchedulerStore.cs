namespace AiTradingBot.Scheduling.Quartz;

/// <summary>Where Quartz keeps jobs: PostgreSQL (clustered) when a connection string is configured, else memory.</summary>
internal sealed record SchedulerStore(string? PostgresConnectionString)
{
    /// <summary>True for the clustered ADO.NET store on PostgreSQL.</summary>
    public bool IsPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    /// <summary>For logs and banners, without the connection string.</summary>
    public string Description => IsPostgres ? "PostgreSQL (clustered, schema quartz)" : "in memory";
}
