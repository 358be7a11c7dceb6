using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;

namespace AiTradingBot.Scheduling;

/// <summary>
/// The Hangfire Dashboard's authorization: lets in whoever the <see cref="IDashboardRoleResolver"/> gives any access,
/// and (through <see cref="IsReadOnly"/>, wired to <c>DashboardOptions.IsReadOnlyFunc</c>) makes it read-only unless
/// that access is <see cref="DashboardAccess.Full"/>. Fails closed: no HTTP context or a resolver error means no access.
/// </summary>
public sealed class ReportsDashboardAuthorizationFilter(IDashboardRoleResolver roles) : IDashboardAuthorizationFilter
{
    private const string ItemKey = "AiTradingBot.DashboardAccess";

    /// <inheritdoc />
    public bool Authorize(DashboardContext context) => Access(context) != DashboardAccess.None;

    /// <summary>True unless the caller has full access.</summary>
    public bool IsReadOnly(DashboardContext context) => Access(context) != DashboardAccess.Full;

    private DashboardAccess Access(DashboardContext context)
    {
        if (context is not AspNetCoreDashboardContext { HttpContext: { } http }) return DashboardAccess.None;
        if (http.Items.TryGetValue(ItemKey, out var cached) && cached is DashboardAccess known) return known;
        var access = roles.Resolve(http);
        http.Items[ItemKey] = access;
        return access;
    }
}
