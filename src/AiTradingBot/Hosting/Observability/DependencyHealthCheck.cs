using AiTradingBot.Core.Audit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AiTradingBot.Hosting.Observability;

/// <summary>
/// One readiness check per configured dependency: runs a cheap real call and reports a short reason. The reason names
/// the setting to look at and passes through the secret redactor, so no token or password reaches /readyz.
/// </summary>
internal sealed class DependencyHealthCheck(string setting, Func<IServiceProvider, CancellationToken, Task<string>> probe, IServiceProvider services, SecretRedactor redactor) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            return HealthCheckResult.Healthy(redactor.Redact(await probe(services, cts.Token).ConfigureAwait(false)));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"no answer within {Timeout.TotalSeconds:0} s; check {setting}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy(Short(redactor.Redact($"{FirstLine(e)}; check {setting}")));
        }
    }

    // The innermost message is usually the actionable one ("Connection refused"); stack traces stay in the logs.
    private static string FirstLine(Exception e)
    {
        var inner = e;
        while (inner.InnerException is { } next && inner.Message.Length == 0) inner = next;
        var text = e.InnerException is { } i && i.Message != e.Message ? $"{e.Message} ({i.Message})" : e.Message;
        return text.Split('\n', 2)[0].Trim();
    }

    private static string Short(string text) => text.Length <= 300 ? text : text[..297] + "...";
}
