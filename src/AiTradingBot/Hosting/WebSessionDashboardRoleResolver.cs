using AiTradingBot.Core.Assistant;
using AiTradingBot.Scheduling;
using AiTradingBot.Web.Security;

namespace AiTradingBot.Hosting;

/// <summary>
/// The Hangfire Dashboard's access from the web sign-in (session cookie or API token, authenticated by the web channel's
/// middleware before the dashboard branch runs): admins full, viewers read-only, everyone else nothing — loopback
/// requests included, so the dashboard is never a way around the sign-in.
/// </summary>
public sealed class WebSessionDashboardRoleResolver(WebUsers users) : IDashboardRoleResolver
{
    /// <inheritdoc />
    public DashboardAccess Resolve(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return users.Resolve(http.User)?.Role switch
        {
            UserRole.Admin => DashboardAccess.Full,
            UserRole.Viewer => DashboardAccess.ReadOnly,
            _ => DashboardAccess.None,
        };
    }
}
