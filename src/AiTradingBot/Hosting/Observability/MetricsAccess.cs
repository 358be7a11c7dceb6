using System.Net;
using AiTradingBot.Core.Assistant;
using AiTradingBot.Web.Security;
using Microsoft.AspNetCore.Authentication;

namespace AiTradingBot.Hosting.Observability;

/// <summary>What /metrics answers a request: the scrape, 401 (who are you?) or 403 (not allowed).</summary>
public enum MetricsAccessDecision
{
    /// <summary>Serve the scrape.</summary>
    Allowed,

    /// <summary>A remote caller without a valid token: 401 with a Bearer challenge.</summary>
    Unauthenticated,

    /// <summary>A valid token without the admin role: 403.</summary>
    Forbidden,
}

/// <summary>Who may scrape /metrics: metrics reveal activity (who trades, how often, which hosts), so not everyone.</summary>
public interface IMetricsAccessPolicy
{
    /// <summary>Whether this request may read the metrics.</summary>
    ValueTask<MetricsAccessDecision> DecideAsync(HttpContext context);
}

/// <summary>
/// Local requests, or anyone presenting an admin API token (<c>Web:ApiTokens:&lt;name&gt;</c> with <c>Role</c> Admin, the
/// web channel's SHA-256-hashed bearer tokens, checked by its own handler). A viewer token is refused: metrics are an
/// operator's view. The remote address is the one after the web channel's forwarded-headers handling, so a request a
/// local reverse proxy forwards for a remote client counts as remote.
/// </summary>
public sealed class LoopbackOrAdminTokenMetricsAccess(WebUsers users) : IMetricsAccessPolicy
{
    /// <inheritdoc />
    public async ValueTask<MetricsAccessDecision> DecideAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsLoopback(context.Connection.RemoteIpAddress)) return MetricsAccessDecision.Allowed;
        if (!context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return MetricsAccessDecision.Unauthenticated;
        var result = await context.AuthenticateAsync(ApiTokenAuthenticationHandler.SchemeName).ConfigureAwait(false);
        if (!result.Succeeded) return MetricsAccessDecision.Unauthenticated;
        return users.Resolve(result.Principal) is { Role: UserRole.Admin } ? MetricsAccessDecision.Allowed : MetricsAccessDecision.Forbidden;
    }

    /// <summary>True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; false for an unknown peer.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
