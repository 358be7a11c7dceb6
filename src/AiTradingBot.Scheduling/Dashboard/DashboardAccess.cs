using System.Net;
using Microsoft.AspNetCore.Http;

namespace AiTradingBot.Scheduling;

/// <summary>What a request may do on the Hangfire Dashboard.</summary>
public enum DashboardAccess
{
    /// <summary>Nothing: the dashboard answers 401/403 (strangers).</summary>
    None,

    /// <summary>Look only: no trigger, delete or requeue buttons, and their endpoints refused (viewers).</summary>
    ReadOnly,

    /// <summary>Everything the dashboard offers (admins).</summary>
    Full,
}

/// <summary>
/// Decides a request's <see cref="DashboardAccess"/>. The web sign-in registers its own (admins full, viewers read-only,
/// strangers nothing) before the Scheduling adapter, replacing <see cref="LocalRequestsOnlyRoleResolver"/>.
/// </summary>
public interface IDashboardRoleResolver
{
    /// <summary>The access of this request's caller.</summary>
    DashboardAccess Resolve(HttpContext http);
}

/// <summary>
/// Until the web sign-in lands: full access for requests made on this machine, nothing for anyone else. Stricter than
/// Hangfire's own default: only a loopback peer counts (not "remote address equals local address"), and a request
/// carrying proxy headers is not local even from loopback, because a reverse proxy on this host forwards strangers.
/// </summary>
public sealed class LocalRequestsOnlyRoleResolver : IDashboardRoleResolver
{
    private static readonly string[] ProxyHeaders = ["Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-IP"];

    /// <inheritdoc />
    public DashboardAccess Resolve(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote)) return DashboardAccess.None;
        foreach (var header in ProxyHeaders)
        {
            if (http.Request.Headers.ContainsKey(header)) return DashboardAccess.None;
        }
        return DashboardAccess.Full;
    }
}
