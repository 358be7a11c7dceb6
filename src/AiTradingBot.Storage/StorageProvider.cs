namespace AiTradingBot.Storage;

/// <summary>Which database backs the stores.</summary>
public enum StorageProvider
{
    /// <summary>The embedded SQLite file in the data directory (nothing configured).</summary>
    Sqlite,

    /// <summary>PostgreSQL from <c>ConnectionStrings:Postgres</c>, schema <c>trading</c>.</summary>
    PostgreSql,
}
