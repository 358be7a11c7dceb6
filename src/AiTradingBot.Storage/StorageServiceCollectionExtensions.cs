using AiTradingBot.Core.Ports;
using AiTradingBot.Storage.Embedded;
using AiTradingBot.Storage.Migrations;
using AiTradingBot.Storage.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Storage;

/// <summary>Registers the Storage adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Configuration key of the PostgreSQL connection string; when absent the embedded SQLite file is used.</summary>
    public const string ConnectionStringName = "Postgres";

    /// <summary>
    /// Adds the relational store: PostgreSQL when <c>ConnectionStrings:Postgres</c> is set, otherwise a SQLite file in
    /// <c>Storage:DataDirectory</c>; a pooled <see cref="TradingDbContext"/> factory; <see cref="IFillStore"/>,
    /// <see cref="IAuditLog"/>, <see cref="IOrderJournal"/> and <see cref="IHaltLog"/> (replacing in-process defaults); the
    /// <see cref="DatabaseMigrator"/> for the <c>migrate</c> verb; and migration at start when <c>Storage:MigrateOnStart</c>.
    /// With <c>Storage:Ephemeral</c> and no PostgreSQL it registers nothing, leaving the in-process defaults.
    /// </summary>
    public static IServiceCollection AddAiTradingBotStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var postgres = configuration.GetConnectionString(ConnectionStringName);
        // Parse now: a malformed connection string stops the host at composition with a message free of its content.
        if (!string.IsNullOrWhiteSpace(postgres)) StorageTarget.ForPostgres(postgres);
        // Ephemeral runs keep no files: the core's in-process stores stay.
        else if (configuration.GetValue<bool>($"{StorageOptions.Section}:{nameof(StorageOptions.Ephemeral)}")) return services;

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => StorageTarget.Resolve(postgres, sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory));
        services.AddSingleton<StorageDatabase>();
        services.AddPooledDbContextFactory<TradingDbContext>((sp, options) => sp.GetRequiredService<StorageDatabase>().Configure(options));
        services.AddSingleton<DatabaseMigrator>();
        services.AddSingleton<StorageReadiness>();

        services.AddSingleton<DatabaseFillStore>();
        services.AddSingleton<IFillStore>(sp => sp.GetRequiredService<DatabaseFillStore>());
        services.AddSingleton<IAuditLog, DatabaseAuditLog>();
        services.AddSingleton<IOrderJournal, DatabaseOrderJournal>();
        services.AddSingleton<IHaltLog, DatabaseHaltLog>();
        services.AddHostedService<StorageMigrationService>();
        if (!configuration.GetValue<bool>($"{StorageOptions.Section}:{nameof(StorageOptions.Ephemeral)}"))
            AddEmbeddedState(services);
        return services;
    }

    /// <summary>
    /// Live state and the paper account in the embedded SQLite file, shared safely by every process on the data
    /// folder. TryAdd: Redis (registered later with a plain Add) takes over the key-value port when configured.
    /// </summary>
    private static void AddEmbeddedState(IServiceCollection services)
    {
        services.TryAddSingleton(sp => new EmbeddedDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory,
            sp.GetRequiredService<TimeProvider>(), sp.GetService<Microsoft.Extensions.Logging.ILogger<EmbeddedDatabase>>()));
        services.TryAddSingleton<IKeyValueStore, SqliteKeyValueStore>();
        services.TryAddSingleton<IPaperAccountStore, SqlitePaperAccountStore>();
    }

    /// <summary>Where data lives, for the chat banner, without secrets: e.g. <c>PostgreSQL 127.0.0.1:5432/trading</c> or <c>SQLite data/aitradingbot.db</c>.</summary>
    public static string DescribeStorage(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(ConnectionStringName))
            && configuration.GetValue<bool>($"{StorageOptions.Section}:{nameof(StorageOptions.Ephemeral)}"))
            return "in memory (Storage:Ephemeral)";
        var dataDirectory = configuration.GetSection(StorageOptions.Section)[nameof(StorageOptions.DataDirectory)];
        return StorageTarget.Resolve(configuration.GetConnectionString(ConnectionStringName),
            string.IsNullOrWhiteSpace(dataDirectory) ? new StorageOptions().DataDirectory : dataDirectory).Description;
    }
}
