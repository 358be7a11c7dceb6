using AiTradingBot.Core.Assistant;
using Microsoft.AspNetCore.Authorization;

namespace AiTradingBot.Web.Security;

/// <summary>At least this role, looked up in configuration on every request.</summary>
public sealed record RoleRequirement(UserRole Minimum) : IAuthorizationRequirement;

/// <summary>Checks <see cref="RoleRequirement"/> against the current configuration.</summary>
public sealed class RoleRequirementHandler(WebUsers users) : AuthorizationHandler<RoleRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (users.Resolve(context.User) is { } p && p.Role >= requirement.Minimum) context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>Policy names.</summary>
public static class WebPolicies
{
    /// <summary>Viewer or admin.</summary>
    public const string Viewer = "atb-viewer";

    /// <summary>Admin only.</summary>
    public const string Admin = "atb-admin";
}
