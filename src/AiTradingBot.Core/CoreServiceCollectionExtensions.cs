using AiTradingBot.Core.Assistant;
using AiTradingBot.Core.Audit;
using AiTradingBot.Core.Configuration;
using AiTradingBot.Core.Execution;
using AiTradingBot.Core.Execution.Handlers;
using AiTradingBot.Core.Gate;
using AiTradingBot.Core.InProcess;
using AiTradingBot.Core.Language;
using AiTradingBot.Core.Notifications;
using AiTradingBot.Core.Ports;
using AiTradingBot.Core.Reports;
using AiTradingBot.Core.Risk;
using AiTradingBot.Core.Systems;
using AiTradingBot.Core.Validation;
using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Core;

/// <summary>Registers the core pipeline and its in-process defaults; adapters registered with plain Add replace the defaults.</summary>
public static class CoreServiceCollectionExtensions
{
    /// <summary>Default data directory for embedded state (<c>Storage:DataDirectory</c>).</summary>
    public const string DefaultDataDirectory = "data";

    /// <summary>Adds the core: options, systems, interpreters, validation, risk, gate, executor, handlers, fills path, assistant.</summary>
    public static IServiceCollection AddAiTradingBotCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<AssistantOptions>().Bind(configuration.GetSection("Assistant")).ValidateDataAnnotations()
            .Validate(o => TryZone(o.TimeZone), "Assistant:TimeZone must be an IANA time zone such as UTC or Europe/Berlin.").ValidateOnStart();
        services.AddOptions<RiskOptions>().Bind(configuration.GetSection("Risk")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NotificationOptions>().Bind(configuration.GetSection("Notifications"));
        services.AddOptions<LaunchOptions>().Bind(configuration.GetSection("Launch")).ValidateOnStart()
            .Validate(o => o.Templates.Values.All(t => !string.IsNullOrWhiteSpace(t.Image)), "Every Launch:Templates entry needs an Image.");

        services.TryAddSingleton(_ => SystemRegistry.FromOptions(
            configuration.GetSection("Systems").Get<Dictionary<string, SystemOptions>>(o => o.ErrorOnUnknownConfiguration = false)));
        services.TryAddSingleton(_ => SecretRedactor.FromConfiguration(configuration.AsEnumerable()));

        // In-process defaults; Redis, PostgreSQL/SQLite and Quartz adapters replace them.
        services.TryAddSingleton<IKeyValueStore>(sp => new InMemoryKeyValueStore(sp.GetRequiredService<TimeProvider>(), DurableStateFile(configuration)));
        services.TryAddSingleton<IFillStore, InMemoryFillStore>();
        services.TryAddSingleton<IOrderJournal, InMemoryOrderJournal>();
        services.TryAddSingleton<IHaltLog, InMemoryHaltLog>();
        services.TryAddSingleton<IAuditLog>(_ => new InMemoryAuditLog());
        services.TryAddSingleton<IPositionPublisher, NullPositionPublisher>();
        services.TryAddSingleton<IReportScheduler, KeyValueReportScheduler>();

        services.TryAddSingleton<IInterpreter>(sp => new InterpreterChain(
            sp.GetRequiredService<SystemRegistry>(), sp.GetService<ILanguageModelInterpreter>(), sp.GetService<ILogger<InterpreterChain>>()));

        services.TryAddSingleton<NotificationHub>();
        services.TryAddSingleton<InterruptedExecutions>();
        services.TryAddSingleton<IExecutionSink, FillsPath>();
        services.TryAddSingleton<TradingHalt>();
        services.TryAddSingleton<AccountLock>();
        services.TryAddSingleton<ConfirmationGate>();
        services.TryAddSingleton<ConfirmationEvents>();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<RiskOptions>>().Value);
        foreach (var validator in typeof(PlanValidator).Assembly.GetTypes()
                     .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IValidator).IsAssignableFrom(t) && t.Namespace == typeof(PlanValidator).Namespace))
        {
            var argsType = validator.BaseType!.GetGenericArguments()[0];
            services.TryAdd(ServiceDescriptor.Singleton(typeof(IValidator<>).MakeGenericType(argsType), validator));
        }
        services.TryAddSingleton(sp => new PlanValidator(sp, Catalog.ActionCatalog.All.Select(a => a.ArgsType)));
        // Fails the host at start (ValidateOnStart) when a catalog action has no validator.
        services.AddOptions<CatalogValidation>().Validate<IServiceProvider>((_, sp) => BuildsPlanValidator(sp)).ValidateOnStart();

        services.TryAddSingleton<SystemStepHandler>();
        services.TryAddSingleton<TradingStepHandler>();
        services.TryAddSingleton<PortfolioStepHandler>();
        services.TryAddSingleton<ReportStepHandler>();
        services.TryAddSingleton<HelpStepHandler>();
        services.AddOptions<ChartOptions>().Bind(configuration.GetSection(ChartOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<Charts.ChartDataBuilder>();
        // The renderer is an adapter (AiTradingBot.Charts); without one the chart action says charts are unavailable.
        services.TryAddSingleton(sp => new Charts.ChartService(sp.GetRequiredService<Charts.ChartDataBuilder>(),
            sp.GetRequiredService<IOptions<ChartOptions>>(), sp.GetService<IChartRenderer>()));
        services.TryAddSingleton<ChartStepHandler>();
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<ChartStepHandler>());
        services.TryAddSingleton<LaunchStepHandler>();
        services.TryAddSingleton<DashboardStepHandler>();
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<DashboardStepHandler>());
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<LaunchStepHandler>());
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<SystemStepHandler>());
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<TradingStepHandler>());
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<PortfolioStepHandler>());
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<ReportStepHandler>());
        services.AddSingleton<IStepHandler>(sp => sp.GetRequiredService<HelpStepHandler>());
        services.TryAddSingleton<ReportBuilder>();
        services.TryAddSingleton<PlanExecutor>();
        services.TryAddSingleton<AssistantService>();
        services.TryAddSingleton<IAssistant>(sp => sp.GetRequiredService<AssistantService>());
        // Hosts register real logging first; bare compositions (tests, benchmarks) get silent loggers.
        services.TryAddSingleton<ILoggerFactory, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory>();
        services.TryAdd(ServiceDescriptor.Singleton(typeof(ILogger<>), typeof(Microsoft.Extensions.Logging.Abstractions.NullLogger<>)));
        return services;
    }

    /// <summary>Where embedded durable live state is kept (<c>Storage:DataDirectory</c>/live-state.json), or null when <c>Storage:Ephemeral</c> is true.</summary>
    public static string? DurableStateFile(IConfiguration configuration) =>
        configuration.GetValue<bool>("Storage:Ephemeral") ? null : Path.Combine(configuration["Storage:DataDirectory"] ?? DefaultDataDirectory, "live-state.json");

    /// <summary>Marker options whose start validation builds the <see cref="PlanValidator"/> (every action validated).</summary>
    public sealed class CatalogValidation;

    private static bool BuildsPlanValidator(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<PlanValidator>() is not null;
        }
        catch (OptionsValidationException)
        {
            // A validator's own options are invalid: their validation reports that, once.
            return true;
        }
    }

    private static bool TryZone(string id)
    {
        try { _ = Trading.PnlPeriods.Zone(id); return true; }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException) { return false; }
    }
}
