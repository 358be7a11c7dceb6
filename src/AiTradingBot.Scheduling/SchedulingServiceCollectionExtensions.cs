using AiTradingBot.Core.Ports;
using AiTradingBot.Scheduling.Infrastructure;
using AiTradingBot.Scheduling.Migrations;
using AiTradingBot.Scheduling.Reports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Scheduling;

/// <summary>Registers the Scheduling adapter from configuration; the host calls this and nothing else of the adapter.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The connection string <c>migrate</c> installs the scheduler's schemas over when set (a direct one, not PgBouncer).</summary>
    public const string DirectConnectionStringName = "PostgresDirect";

    /// <summary>
    /// Adds scheduled reports on Hangfire, replacing the core's store-only <see cref="IReportScheduler"/>: PostgreSQL
    /// storage shared by every instance when <c>ConnectionStrings:Postgres</c> is set (schema <c>hangfire</c>, installed by
    /// <see cref="SchedulerSchemaMigrator"/> from <c>migrate</c>), else Hangfire.InMemory restored from the live-state
    /// store; the hosted service running the Hangfire server in <c>run</c>; the dashboard's authorization; options
    /// <c>Reports</c> and <c>Scheduling</c>, validated at start.
    /// </summary>
    public static IServiceCollection AddAiTradingBotScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ReportsOptions>().Bind(configuration.GetSection(ReportsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>();
        services.AddOptions<SchedulingOptions>().Bind(configuration.GetSection(SchedulingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var postgres = configuration.GetConnectionString("Postgres");
        var isPostgres = !string.IsNullOrWhiteSpace(postgres);
        services.AddSingleton(sp => new SchedulerStorage(sp, sp.GetRequiredService<IOptions<SchedulingOptions>>(), sp.GetRequiredService<ILoggerFactory>(), isPostgres ? postgres : null));
        if (isPostgres)
        {
            // Checking at start reads over the pooled connection; installing (migrate) prefers the direct one.
            var direct = configuration.GetConnectionString(DirectConnectionStringName);
            services.AddSingleton(sp => new SchedulerSchemaMigrator(string.IsNullOrWhiteSpace(direct) ? postgres! : direct, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<SchedulerSchemaMigrator>>()));
            services.AddSingleton<IReportDeliveryLedger>(sp => new PostgresDeliveryLedger(postgres!, sp.GetRequiredService<TimeProvider>()));
        }
        else services.AddSingleton<IReportDeliveryLedger>(sp => new KeyValueDeliveryLedger(sp.GetRequiredService<IKeyValueStore>()));
        services.AddSingleton<HangfireReportScheduler>();
        services.AddSingleton<IReportScheduler>(sp => sp.GetRequiredService<HangfireReportScheduler>());
        services.TryAddSingleton<IDashboardRoleResolver, LocalRequestsOnlyRoleResolver>();
        services.AddHostedService<ReportSchedulingService>();
        return services;
    }
}
