using AiTradingBot.Storage.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace AiTradingBot.Storage;

/// <summary>
/// The process-wide handle on the configured database: one <see cref="NpgsqlDataSource"/> (its connection pool) on
/// PostgreSQL, the file path on SQLite, and how EF contexts connect to it.
/// </summary>
public sealed class StorageDatabase : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _dataSource;

    /// <summary>Creates the handle (and, for SQLite, the data directory).</summary>
    public StorageDatabase(StorageTarget target)
    {
        Target = target;
        target.EnsureDirectory();
        _dataSource = new Lazy<NpgsqlDataSource>(() => new NpgsqlDataSourceBuilder(target.ConnectionString).Build());
    }

    /// <summary>The configured database.</summary>
    public StorageTarget Target { get; }

    /// <summary>True on PostgreSQL.</summary>
    public bool IsPostgres => Target.Provider == StorageProvider.PostgreSql;

    /// <summary>The PostgreSQL connection pool; throws on SQLite.</summary>
    internal NpgsqlDataSource DataSource => IsPostgres
        ? _dataSource.Value
        : throw new InvalidOperationException("The embedded SQLite store has no PostgreSQL data source.");

    /// <summary>Points an EF options builder at this database.</summary>
    public void Configure(DbContextOptionsBuilder options)
    {
        if (IsPostgres) options.UseNpgsql(DataSource);
        else options.UseSqlite(Target.ConnectionString).AddInterceptors(Embedded.SqliteCommandActivities.Instance);
    }

    /// <summary>A context factory outside DI (tests, benchmark, the migrate verb before a host exists).</summary>
    internal IDbContextFactory<TradingDbContext> CreateContextFactory()
    {
        var builder = new DbContextOptionsBuilder<TradingDbContext>();
        Configure(builder);
        return new PooledDbContextFactory<TradingDbContext>(builder.Options);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_dataSource.IsValueCreated) await _dataSource.Value.DisposeAsync();
    }
}
