using AiTradingBot.Core.Ports;
using AiTradingBot.Scheduling.Migrations;
using AiTradingBot.Scheduling.Quartz;
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
    /// <summary>
    /// Adds scheduled reports on Quartz, replacing the core's store-only <see cref="IReportScheduler"/>: the ADO.NET job
    /// store clustered on PostgreSQL when <c>ConnectionStrings:Postgres</c> is set (tables in schema <c>quartz</c>, from
    /// <see cref="QuartzSchemaMigrator"/>), else the in-memory store restored from the live-state store; the hosted
    /// service that fires reports in <c>run</c>; options <c>Reports</c> and <c>Scheduling</c>, validated at start.
    /// </summary>
    public static IServiceCollection AddAiTradingBotScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ReportsOptions>().Bind(configuration.GetSection(ReportsOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportsOptions>, ReportsOptionsValidator>();
        services.AddOptions<SchedulingOptions>().Bind(configuration.GetSection(SchedulingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var postgres = configuration.GetConnectionString("Postgres");
        services.AddSingleton(new SchedulerStore(string.IsNullOrWhiteSpace(postgres) ? null : postgres));
        if (!string.IsNullOrWhiteSpace(postgres))
            services.AddSingleton(sp => new QuartzSchemaMigrator(postgres, sp.GetRequiredService<TimeProvider>(), sp.GetService<ILogger<QuartzSchemaMigrator>>()));
        services.AddSingleton<QuartzSchedulerFactory>();
        services.AddSingleton<QuartzReportScheduler>();
        services.AddSingleton<IReportScheduler>(sp => sp.GetRequiredService<QuartzReportScheduler>());
        services.AddHostedService<ReportSchedulingService>();
        return services;
    }
}
