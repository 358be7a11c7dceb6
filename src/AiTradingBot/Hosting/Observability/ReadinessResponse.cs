using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiTradingBot.Hosting.Observability;

/// <summary>Writes /readyz: overall status and each check's status, short reason and time.</summary>
internal static class ReadinessResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = Label(report.Status),
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = Label(e.Value.Status),
                reason = e.Value.Description ?? e.Value.Exception?.Message,
                ms = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }

    private static string Label(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
