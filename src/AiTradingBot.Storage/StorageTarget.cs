using Microsoft.Data.Sqlite;
using Npgsql;

namespace AiTradingBot.Storage;

/// <summary>The resolved database: provider and connection string. Holds secrets: never log it, use <see cref="Description"/>.</summary>
public sealed class StorageTarget
{
    private StorageTarget(StorageProvider provider, string connectionString, string description, string? sqlitePath)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Description = description;
        SqlitePath = sqlitePath;
    }

    /// <summary>Which provider.</summary>
    public StorageProvider Provider { get; }

    /// <summary>The provider connection string (may hold a password).</summary>
    internal string ConnectionString { get; }

    /// <summary>Full path of the SQLite file, or null on PostgreSQL.</summary>
    public string? SqlitePath { get; }

    /// <summary>Where data lives, without secrets, e.g. <c>PostgreSQL 127.0.0.1:5432/trading</c> or <c>SQLite data/aitradingbot.db</c>.</summary>
    public string Description { get; }

    /// <summary>PostgreSQL when a connection string is given, otherwise the SQLite file in the data directory.</summary>
    public static StorageTarget Resolve(string? postgresConnectionString, string dataDirectory)
    {
        if (!string.IsNullOrWhiteSpace(postgresConnectionString)) return ForPostgres(postgresConnectionString);
        return ForSqlite(Path.Combine(dataDirectory, StorageOptions.DatabaseFileName));
    }

    /// <summary>A PostgreSQL target; throws <see cref="ArgumentException"/> (without the string's content) when it does not parse.</summary>
    public static StorageTarget ForPostgres(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The parser's message names the bad keyword only; the string itself may hold a password.
            throw new ArgumentException($"ConnectionStrings:Postgres is not a valid Npgsql connection string: {e.Message}", nameof(connectionString));
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new ArgumentException("ConnectionStrings:Postgres has no Host.", nameof(connectionString));
        if (string.IsNullOrWhiteSpace(builder.ApplicationName)) builder.ApplicationName = "AiTradingBot";
        var database = string.IsNullOrWhiteSpace(builder.Database) ? builder.Username ?? "postgres" : builder.Database;
        var description = $"PostgreSQL {builder.Host}:{builder.Port}/{database}";
        return new StorageTarget(StorageProvider.PostgreSql, builder.ConnectionString, description, null);
    }

    /// <summary>A SQLite file target (the directory is created when the first connection opens).</summary>
    public static StorageTarget ForSqlite(string path)
    {
        var full = Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Seconds a command waits for another connection's write lock (busy timeout) before failing.
            DefaultTimeout = 30,
        };
        return new StorageTarget(StorageProvider.Sqlite, builder.ConnectionString, $"SQLite {path}", full);
    }

    /// <summary>Creates the SQLite file's directory; a no-op on PostgreSQL.</summary>
    internal void EnsureDirectory()
    {
        if (SqlitePath is null) return;
        var dir = Path.GetDirectoryName(SqlitePath);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
    }

    /// <inheritdoc />
    public override string ToString() => Description;
}
