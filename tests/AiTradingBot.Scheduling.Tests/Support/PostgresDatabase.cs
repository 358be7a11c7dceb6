using Npgsql;

namespace AiTradingBot.Scheduling.Tests.Support;

/// <summary>A fresh database on the test PostgreSQL server (ATB_TEST_POSTGRES), dropped at dispose.</summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string _maintenance;

    private PostgresDatabase(string maintenance, string name)
    {
        _maintenance = maintenance;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(maintenance) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Database name.</summary>
    public string Name { get; }

    /// <summary>Connection string of the fresh database.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates a database, or skips/fails the test when no server is available.</summary>
    public static async Task<PostgresDatabase> CreateAsync()
    {
        var maintenance = AiTradingBot.Testing.Integration.Require("ATB_TEST_POSTGRES", "PostgreSQL");
        var db = new PostgresDatabase(maintenance, $"atb_sched_{Guid.NewGuid():N}");
        await using var conn = new NpgsqlConnection(maintenance);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {db.Name}", conn);
        await cmd.ExecuteNonQueryAsync();
        return db;
    }

    /// <summary>Runs a scalar query in the fresh database.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Runs a statement in the fresh database.</summary>
    public async Task<int> ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        return await cmd.ExecuteNonQueryAsync();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_maintenance);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
