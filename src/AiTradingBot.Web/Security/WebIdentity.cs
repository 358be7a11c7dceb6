using System.Security.Claims;

namespace AiTradingBot.Web.Security;

/// <summary>
/// Who a session or token is: a user id, a display name and where the identity comes from. The role is not part
/// of it: <see cref="WebUsers"/> looks it up in configuration on every request, so removing a user takes effect at once.
/// </summary>
public sealed record WebIdentity(string UserId, string? UserName, string Source)
{
    /// <summary>The local operator who read the link printed at start.</summary>
    public const string OperatorSource = "operator";

    /// <summary>A Telegram user (id from Telegram:AdminIds / ViewerIds).</summary>
    public const string TelegramSource = "telegram";

    /// <summary>Prefix of an API token's source: <c>token:&lt;name&gt;</c>.</summary>
    public const string TokenSourcePrefix = "token:";

    /// <summary>The claim type that carries <see cref="Source"/>.</summary>
    public const string SourceClaim = "atb:source";

    /// <summary>The local operator's identity.</summary>
    public static WebIdentity Operator { get; } = new("operator", "operator", OperatorSource);

    /// <summary>The claims of a session for this identity.</summary>
    public ClaimsPrincipal ToClaimsPrincipal(string scheme)
    {
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, UserId), new(ClaimTypes.Name, UserName ?? UserId), new(SourceClaim, Source)];
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }

    /// <summary>Reads the identity back from claims, or null when they are incomplete.</summary>
    public static WebIdentity? From(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true) return null;
        var id = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var source = user.FindFirstValue(SourceClaim);
        return id is null || source is null ? null : new WebIdentity(id, user.FindFirstValue(ClaimTypes.Name), source);
    }
}
