using System.Globalization;
using System.Security.Claims;
using AiTradingBot.Core.Assistant;
using Microsoft.Extensions.Configuration;

namespace AiTradingBot.Web.Security;

/// <summary>
/// Resolves a signed-in identity to the core's <see cref="Principal"/> with its current role: Telegram users from
/// <c>Telegram:AdminIds</c> / <c>ViewerIds</c> (the same lists the Telegram channel uses), API tokens from
/// <c>Web:ApiTokens</c>, the local operator as admin. Read from configuration on every call.
/// </summary>
public sealed class WebUsers(IConfiguration configuration)
{
    /// <summary>The principal for claims, or null when not signed in; the role is <see cref="UserRole.None"/> for a removed user.</summary>
    public Principal? Resolve(ClaimsPrincipal? user) => WebIdentity.From(user) is { } identity ? Resolve(identity) : null;

    /// <summary>The principal for an identity with its current role and its cross-channel key.</summary>
    public Principal Resolve(WebIdentity identity) => new(identity.UserId, identity.UserName, RoleOf(identity)) { Identity = KeyOf(identity) };

    /// <summary>
    /// Who the identity is across channels (the key a confirmation is bound to): a Telegram sign-in, and an API token
    /// whose configured UserId is a Telegram user id, are that Telegram user; the local operator and any other
    /// token are known only here, each kind apart, so a token named "operator" is not the operator.
    /// </summary>
    public static string KeyOf(WebIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity.Source == WebIdentity.TelegramSource || identity.Source.StartsWith(WebIdentity.TokenSourcePrefix, StringComparison.Ordinal))
            if (UserKeys.TelegramOrNull(identity.UserId) is { } telegram) return telegram;
        var kind = identity.Source.StartsWith(WebIdentity.TokenSourcePrefix, StringComparison.Ordinal) ? "token" : identity.Source;
        return UserKeys.Local(WebChannel.Channel + "-" + kind, identity.UserId);
    }

    /// <summary>The current role of an identity.</summary>
    public UserRole RoleOf(WebIdentity identity)
    {
        if (identity.Source == WebIdentity.OperatorSource) return UserRole.Admin;
        if (identity.Source == WebIdentity.TelegramSource)
        {
            if (!long.TryParse(identity.UserId, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) return UserRole.None;
            if (Ids("Telegram:AdminIds").Contains(id)) return UserRole.Admin;
            return Ids("Telegram:ViewerIds").Contains(id) ? UserRole.Viewer : UserRole.None;
        }
        if (identity.Source.StartsWith(WebIdentity.TokenSourcePrefix, StringComparison.Ordinal))
        {
            var section = configuration.GetSection($"Web:ApiTokens:{identity.Source[WebIdentity.TokenSourcePrefix.Length..]}");
            if (!section.Exists() || section["UserId"] != identity.UserId) return UserRole.None;
            return string.Equals(section["Role"], "Admin", StringComparison.OrdinalIgnoreCase) ? UserRole.Admin
                : string.Equals(section["Role"], "Viewer", StringComparison.OrdinalIgnoreCase) ? UserRole.Viewer : UserRole.None;
        }
        return UserRole.None;
    }

    private HashSet<long> Ids(string key)
    {
        var set = new HashSet<long>();
        var section = configuration.GetSection(key);
        // Both the array form (AdminIds:0=…) and a comma-separated value (AdminIds=1,2) are accepted, as for Telegram.
        foreach (var v in section.GetChildren().Select(c => c.Value).Append(section.Value))
            foreach (var part in (v ?? "").Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries))
                if (long.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)) set.Add(id);
        return set;
    }
}
