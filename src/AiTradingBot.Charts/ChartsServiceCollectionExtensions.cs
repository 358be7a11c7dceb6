using AiTradingBot.Core.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace AiTradingBot.Charts;

/// <summary>Registers the ScottPlot chart renderer behind <see cref="IChartRenderer"/>.</summary>
public static class ChartsServiceCollectionExtensions
{
    /// <summary>Adds <see cref="ScottPlotChartRenderer"/> (stateless, one per process).</summary>
    public static IServiceCollection AddAiTradingBotCharts(this IServiceCollection services)
    {
        services.AddSingleton<IChartRenderer, ScottPlotChartRenderer>();
        return services;
    }
}
