using AiTradingBot.Core;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Ports;
using AiTradingBot.Storage.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;
using static AiTradingBot.Storage.Tests.Support.Executions;

namespace AiTradingBot.Storage.Tests;

/// <summary>How the host gets the store from configuration: provider choice, defaults replaced, migration at start.</summary>
public sealed class RegistrationTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "atb-reg-" + Guid.NewGuid().ToString("N")[..12]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IConfiguration Config(params (string Key, string? Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public async Task Without_a_connection_string_the_stores_live_in_a_sqlite_file_in_the_data_directory()
    {
        var data = Path.Combine(_dir, "nested", "data");
        var config = Config(("Storage:DataDirectory", data));
        var services = new ServiceCollection().AddLogging().AddAiTradingBotStorage(config).AddAiTradingBotCore(config);
        await using var provider = services.BuildServiceProvider();

        var fills = provider.GetRequiredService<IFillStore>();
        Assert.IsType<DatabaseFillStore>(fills);
        Assert.IsType<DatabaseAuditLog>(provider.GetRequiredService<IAuditLog>());
        Assert.IsType<DatabaseOrderJournal>(provider.GetRequiredService<IOrderJournal>());
        await fills.IngestAsync([Buy("r1", 1, 100)], Ct);

        var file = Path.Combine(data, "aitradingbot.db");
        Assert.True(File.Exists(file));
        var target = provider.GetRequiredService<StorageTarget>();
        Assert.Equal((StorageProvider.Sqlite, Path.GetFullPath(file)), (target.Provider, target.SqlitePath));
        Assert.Equal($"SQLite {file}", StorageServiceCollectionExtensions.DescribeStorage(config));
    }

    [Fact]
    public async Task The_stores_replace_the_core_defaults_whichever_registers_first()
    {
        var config = Config(("Storage:DataDirectory", _dir));
        var coreFirst = new ServiceCollection().AddLogging().AddAiTradingBotCore(config).AddAiTradingBotStorage(config);
        await using var provider = coreFirst.BuildServiceProvider();

        Assert.IsType<DatabaseFillStore>(provider.GetRequiredService<IFillStore>());
        Assert.IsType<DatabaseOrderJournal>(provider.GetRequiredService<IOrderJournal>());
    }

    [Fact]
    public async Task An_ephemeral_run_without_postgres_keeps_the_in_process_stores_and_writes_no_file()
    {
        var config = Config(("Storage:DataDirectory", _dir), ("Storage:Ephemeral", "true"));
        await using var provider = new ServiceCollection().AddLogging().AddAiTradingBotStorage(config).AddAiTradingBotCore(config).BuildServiceProvider();

        Assert.IsType<InMemoryFillStore>(provider.GetRequiredService<IFillStore>());
        Assert.False(Directory.Exists(_dir));
        Assert.Equal("in memory (Storage:Ephemeral)", StorageServiceCollectionExtensions.DescribeStorage(config));
    }

    [Fact]
    public void The_description_names_server_and_database_but_never_the_password()
    {
        var config = Config(("ConnectionStrings:Postgres", "Host=db.internal;Port=6432;Database=trading;Username=bot;Password=s3cret-pw"));

        var text = StorageServiceCollectionExtensions.DescribeStorage(config);

        Assert.Equal("PostgreSQL db.internal:6432/trading", text);
        Assert.DoesNotContain("s3cret", text);
    }

    [Fact]
    public void A_malformed_connection_string_stops_composition_without_echoing_its_secrets()
    {
        var config = Config(("ConnectionStrings:Postgres", "Host=db;Pasword=s3cret-pw"));

        var e = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddAiTradingBotStorage(config));

        Assert.Contains("ConnectionStrings:Postgres", e.Message);
        Assert.DoesNotContain("s3cret", e.Message);
    }

    [Fact]
    public async Task The_host_migrates_at_start_unless_told_not_to()
    {
        foreach (var migrate in new[] { true, false })
        {
            var data = Path.Combine(_dir, migrate ? "on" : "off");
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection([new("Storage:DataDirectory", data), new("Storage:MigrateOnStart", migrate ? "true" : "false")]);
            builder.Services.AddAiTradingBotStorage(builder.Configuration);
            using var host = builder.Build();

            await host.StartAsync(Ct);
            await host.StopAsync(Ct);

            Assert.Equal(migrate, await TableExistsAsync(Path.Combine(data, "aitradingbot.db"), "fills"));
        }
    }

    [Fact]
    public async Task The_migrate_verb_can_resolve_the_migrator_and_run_it()
    {
        var config = Config(("Storage:DataDirectory", _dir), ("Storage:MigrateOnStart", "false"));
        await using var provider = new ServiceCollection().AddLogging().AddAiTradingBotStorage(config).BuildServiceProvider();

        var result = await provider.GetRequiredService<DatabaseMigrator>().MigrateAsync(Ct);

        Assert.Equal(Enumerable.Range(1, provider.GetRequiredService<DatabaseMigrator>().LatestVersion), result.Applied);
        Assert.StartsWith("SQLite ", result.Target);
        Assert.True(await TableExistsAsync(Path.Combine(_dir, "aitradingbot.db"), "audit_log"));
    }

    private static async Task<bool> TableExistsAsync(string file, string table)
    {
        if (!File.Exists(file)) return false;
        await using var conn = new SqliteConnection($"Data Source={file};Mode=ReadOnly;Pooling=False");
        await conn.OpenAsync(Ct);
        await using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $name";
        cmd.Parameters.AddWithValue("$name", table);
        return (long)(await cmd.ExecuteScalarAsync(Ct))! == 1;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
