using AiTradingBot.Scheduling.Infrastructure;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AiTradingBot.Scheduling;

/// <summary>The Hangfire Dashboard on the web host of <c>run</c>.</summary>
public static class SchedulingDashboardExtensions
{
    /// <summary>The path the dashboard is served at.</summary>
    public const string Path = "/hangfire";

    /// <summary>
    /// Serves the Hangfire Dashboard of this host's scheduler storage at <c>/hangfire</c> (unless
    /// <c>Scheduling:Dashboard</c> is false), authorized by <see cref="ReportsDashboardAuthorizationFilter"/>. Never shows the
    /// storage connection string.
    /// </summary>
    public static IApplicationBuilder UseAiTradingBotSchedulingDashboard(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (!app.ApplicationServices.GetRequiredService<IOptions<SchedulingOptions>>().Value.Dashboard) return app;
        var filter = new ReportsDashboardAuthorizationFilter(app.ApplicationServices.GetRequiredService<IDashboardRoleResolver>());
        var options = new DashboardOptions
        {
            Authorization = [filter],
            IsReadOnlyFunc = filter.IsReadOnly,
            DashboardTitle = "AiTradingBot scheduler",
            DisplayStorageConnectionString = false,
            AppPath = null,
        };
        var storage = app.ApplicationServices.GetRequiredService<SchedulerStorage>();
        return app.Map(Path, branch => branch.Use(next =>
        {
            // The storage is opened on first use (on PostgreSQL after checking its schema), not while the app is built.
            AspNetCoreDashboardMiddleware? dashboard = null;
            return async http =>
            {
                dashboard ??= new AspNetCoreDashboardMiddleware(next, await storage.GetAsync(http.RequestAborted).ConfigureAwait(false), options, DashboardRoutes.Routes);
                await dashboard.Invoke(http).ConfigureAwait(false);
            };
        }));
    }
}
